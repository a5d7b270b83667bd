/**
 * A 20-second Entra outage against the real @azure/identity and the real MdeClient (child
 * process), over real HTTPS: the emulator's token endpoint answers 503 for 20 s of wall time from
 * the first sign-in attempt. Nothing here races the clock: the client's retry budget (15 min)
 * dwarfs the outage, so the outcome does not depend on how fast this machine is, only the
 * test's duration does.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DEFAULT_MACHINES as M } from "../../emulator/defaultScenario";
import { caBundleWith } from "../../scripts/lib/caBundle";
import { ClientChild } from "../helpers/clientChild";
import { startHarness, type Harness } from "../emulator/harness";

let h: Harness;
let child: ClientChild;
let dir: string;
beforeAll(async () => {
  h = await startHarness({ control: true });
  child = new ClientChild();
  dir = mkdtempSync(join(tmpdir(), "pmf-outage-"));
});
afterAll(async () => {
  child.dispose();
  await h.close();
  rmSync(dir, { recursive: true, force: true });
});

it("costs no collection: every one is requested exactly once after sign-in recovers", async () => {
  const machines = [M.win11, M.win11b, M.linux, M.mac, M.failing, M.offline];
  h.emu.faults.add({ route: "token", type: "status", status: 503, retryAfterSeconds: 2, forMs: 20_000, clock: "real", from: "firstMatch" });
  const r = await child.run(
    { collect: machines, comment: "INC-20: Entra outage" },
    {
      NODE_EXTRA_CA_CERTS: caBundleWith(h.emu.caFile, dir),
      MDE_API_URL: h.emu.apiUrl,
      AZURE_AUTHORITY_HOST: h.emu.authorityHost,
      AZURE_TENANT_ID: h.emu.tenantId,
      AZURE_CLIENT_ID: h.emu.clientId,
      AZURE_CLIENT_SECRET: h.emu.clientSecret,
    },
  );
  expect(r.fatal).toBeUndefined();
  expect(r.collected).toEqual(machines.map(() => expect.objectContaining({ ok: true, status: "Pending" })));
  for (const m of machines) expect(h.emu.counters().collectPosts[m]).toBe(1);
  const tokens = h.emu.counters().requests["POST /{tenant}/oauth2/v2.0/token"];
  expect(tokens["503"]).toBeGreaterThanOrEqual(4);
  expect(tokens["200"]).toBe(1);
}, 180_000);
