/**
 * A 20-second Entra outage against the real @azure/identity and the real MdeClient (child
 * process), over real HTTPS: the emulator's token endpoint answers 503 for 20 s of wall time from
 * the first sign-in attempt. Nothing here races the clock: the client's retry budget (15 min)
 * dwarfs the outage, so the outcome does not depend on how fast this machine is, only the
 * test's duration does.
 */
import { DEFAULT_MACHINES as M } from "../../emulator/scenario/defaultScenario";
import { EmulatorChild } from "./emulatorChild";

let h: EmulatorChild;
beforeAll(async () => {
  h = await EmulatorChild.start();
});
afterAll(() => h.close());

it("costs no collection: every one is requested exactly once after sign-in recovers", async () => {
  const machines = [M.win11, M.win11b, M.linux, M.mac, M.failing, M.offline];
  h.emu.faults.add({ route: "token", type: "status", status: 503, retryAfterSeconds: 2, forMs: 20_000, clock: "real", from: "firstMatch" });
  const r = await h.run({ collect: machines, comment: "INC-20: Entra outage" }, h.env({ AZURE_CLIENT_SECRET: h.emu.clientSecret }));
  expect(r.fatal).toBeUndefined();
  expect(r.collected).toEqual(machines.map(() => expect.objectContaining({ ok: true, status: "Pending" })));
  for (const m of machines) expect(h.emu.counters().collectPosts[m]).toBe(1);
  const tokens = h.emu.counters().requests["POST /{tenant}/oauth2/v2.0/token"];
  expect(tokens["503"]).toBeGreaterThanOrEqual(4);
  expect(tokens["200"]).toBe(1);
}, 180_000);
