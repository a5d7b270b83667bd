/**
 * The project's own MdeClient (provider/api) against the emulator, in-process: the emulator is
 * the client's contract test, and the client is the emulator's. Tokens come from the emulator's
 * token endpoint; the client's undici dispatcher trusts the emulator CA.
 */
import { createHash } from "node:crypto";
import type { AccessToken, TokenCredential } from "@azure/identity";
import { MdeClient } from "../../provider/api/client";
import { isMdeError } from "../../provider/api/errors";
import { resolveSettings } from "../../provider/api/settings";
import { DEFAULT_ACTIONS, DEFAULT_MACHINES as M } from "../../emulator/scenario/defaultScenario";
import { startHarness, type Harness } from "./harness";

let h: Harness;
let client: MdeClient;

function clientFor(harness: Harness): MdeClient {
  const credential: TokenCredential = {
    getToken: async (): Promise<AccessToken> => ({ token: await harness.token(), expiresOnTimestamp: Date.now() + 50 * 60_000 }),
  };
  const settings = resolveSettings({
    env: {
      MDE_API_URL: harness.emu.apiUrl,
      AZURE_AUTHORITY_HOST: harness.emu.authorityHost,
      AZURE_TENANT_ID: harness.emu.tenantId,
      AZURE_CLIENT_ID: harness.emu.clientId,
      AZURE_CLIENT_SECRET: harness.emu.clientSecret,
    },
  });
  return new MdeClient(settings, { credential, dispatcher: harness.agent, retry: { baseDelayMs: 10, maxDelayMs: 50, random: () => 0.5 } });
}

beforeEach(async () => {
  h = await startHarness({ control: true });
  client = clientFor(h);
});
afterEach(async () => {
  await client.close();
  await h.close();
});

it("collects, follows the lifecycle, fetches the link once and downloads the package the emulator reports", async () => {
  const { action, adopted } = await client.collectInvestigationPackage(M.win11, "case 42: suspicious logon");
  expect(adopted).toBe(false);
  expect(action).toMatchObject({ status: "Pending", machineId: M.win11, requestor: "IR Automation", requestorComment: "case 42: suspicious logon" });
  await h.emu.advanceClock(6_000);
  expect((await client.getMachineAction(action.id)).status).toBe("InProgress");
  await h.emu.advanceClock(60_000);
  const done = await client.getMachineAction(action.id);
  expect(done.status).toBe("Succeeded");
  expect(done.lastUpdateDateTimeUtc).not.toBeNull();
  const link = await client.getPackageUri(action.id);
  const zip = await h.call("GET", link);
  const info = await h.emu.packageInfo(action.id);
  expect(createHash("sha256").update(zip.bytes).digest("hex")).toBe(info!.sha256);
  expect(h.emu.counters().packageUriCalls[action.id]).toBe(1);
});

it("adopts the collection already running on a machine instead of failing on ActiveRequestAlreadyExists", async () => {
  const { action, adopted } = await client.collectInvestigationPackage(M.busy, "second opinion");
  expect(adopted).toBe(true);
  expect(action.id).toBe(DEFAULT_ACTIONS.running);
  expect(h.emu.counters().collectPosts[M.busy]).toBe(1);
});

it("after a reset that followed a processed collect POST, ends up with exactly one collection", async () => {
  h.emu.faults.add({ route: "collect", type: "reset", when: "after", count: 1 });
  const { action } = await client.collectInvestigationPackage(M.linux, "ambiguous");
  const all = await client.listMachineActions({ filter: `machineId eq '${M.linux}'` });
  expect(all.map((a) => a.id)).toEqual([action.id]);
});

it("retries an injected 503 and honours an injected 429's Retry-After", async () => {
  h.emu.faults.add([
    { route: "getAction", type: "status", status: 503, retryAfterSeconds: 0, count: 1 },
    { route: "getAction", type: "status", status: 429, retryAfterSeconds: 1, skip: 1, count: 1 },
  ]);
  const t0 = Date.now();
  expect((await client.getMachineAction(DEFAULT_ACTIONS.running)).status).toBe("InProgress");
  expect(Date.now() - t0).toBeGreaterThanOrEqual(950);
  expect(h.emu.counters().requests["GET /api/machineactions/{id}"]).toEqual({ "503": 1, "429": 1, "200": 1 });
});

it("reads machines by id, name, filter and tag", async () => {
  expect((await client.getMachine("win11-ws01.contoso.local")).id).toBe(M.win11);
  const vip = await client.listMachines({ filter: "machineTags/any(tag: tag eq 'vip')" });
  expect(vip.map((m) => m.computerDnsName).sort()).toEqual(["mac-ws01.contoso.local", "win11-ws02.contoso.local"]);
  expect((await client.findMachinesByTag("finance")).length).toBe(3);
});

it("surfaces the emulator's errors as typed client errors", async () => {
  const notFound = await client.getMachine("0".repeat(40)).catch((e: unknown) => e);
  expect(isMdeError(notFound) && notFound.status).toBe(404);
  const final = await client.cancelMachineAction(DEFAULT_ACTIONS.succeeded, "too late").catch((e: unknown) => e);
  expect(isMdeError(final) && final.status).toBe(400);
  const early = await client.getPackageUri(DEFAULT_ACTIONS.running).catch((e: unknown) => e);
  expect(isMdeError(early) && early.status).toBe(404);
});
