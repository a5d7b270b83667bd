/**
 * The evidence handler with the project's real MdeClient against the real emulator (in-process,
 * HTTPS, manual clock). The client and this module share one virtual clock with the emulator:
 * when the client's limiter waits for a GetPackageUri slot, emulated time moves by exactly that
 * much, so MDE's 2/min quota is exercised as it is, without real minutes passing.
 */
import { createHash } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { AccessToken, TokenCredential } from "@azure/identity";
import { Agent, request } from "undici";
import { defaultScenario, type EmulatorHandle, startEmulator } from "../../emulator";
import { MdeClient } from "../../provider/api/client";
import { resolveSettings } from "../../provider/api/settings";
import { SerialQueue } from "../../provider/evidence/fetchQueue";
import { createEvidenceHandler } from "../../provider/evidence/handler";
import type { EvidenceHandlerOptions } from "../../provider/evidence/options";
import type { EvidenceHandler } from "../../provider/evidence/subject";
import { toOutputs } from "../../provider/resource/outputs";
import type { CollectionOutputs } from "../../provider/resource/state";
import type { Clock } from "../../provider/util/clock";
import { tempDir } from "./helpers/fixtures";

const tlsDir = mkdtempSync(join(tmpdir(), "mde-evidence-tls-"));
afterAll(() => rmSync(tlsDir, { recursive: true, force: true }));

interface Setup {
  emu: EmulatorHandle;
  client: MdeClient;
  handler: EvidenceHandler;
  dir: string;
  logs: string[];
  /** Emulated time of each GetPackageUri call the handler made. */
  uriCalls: number[];
  /** Runs after each GetPackageUri reply, before the link is used. */
  afterUri?: () => Promise<void>;
  /** Another handler on the same client, clock and folder. */
  another(overrides: Partial<EvidenceHandlerOptions>): EvidenceHandler;
  close(): Promise<void>;
}

async function setup(): Promise<Setup> {
  const emu = await startEmulator({
    clock: "manual",
    quiet: true,
    tlsDir,
    scenario: { ...defaultScenario(), fleet: { count: 5, behavior: "online", packageSizeKiB: 512 } },
  });
  const agent = new Agent({ connect: { ca: readFileSync(emu.caFile) } });
  /** The emulator's clock, whose sleeps move it: virtual time shared by client, limiter and handler. */
  const clock: Clock = {
    now: () => emu.clock.now(),
    async sleep(ms) {
      await emu.advanceClock(ms);
      await new Promise<void>((r) => setImmediate(r));
    },
  };
  const credential: TokenCredential = {
    async getToken(): Promise<AccessToken> {
      const form = new URLSearchParams({ grant_type: "client_credentials", client_id: emu.clientId, client_secret: emu.clientSecret, scope: "https://api.securitycenter.microsoft.com/.default" });
      const res = await request(`${emu.authorityHost}/${emu.tenantId}/oauth2/v2.0/token`, {
        method: "POST",
        body: form.toString(),
        headers: { "content-type": "application/x-www-form-urlencoded" },
        dispatcher: agent,
      });
      const json = (await res.body.json()) as { access_token: string };
      return { token: json.access_token, expiresOnTimestamp: clock.now() + 50 * 60_000 };
    },
  };
  const settings = resolveSettings({
    env: { MDE_API_URL: emu.apiUrl, AZURE_AUTHORITY_HOST: emu.authorityHost, AZURE_TENANT_ID: emu.tenantId, AZURE_CLIENT_ID: emu.clientId, AZURE_CLIENT_SECRET: emu.clientSecret },
  });
  const client = new MdeClient(settings, { credential, dispatcher: agent, clock });
  const temp = await tempDir("emulator");
  const logs: string[] = [];
  const s: Setup = {
    emu,
    client,
    dir: temp.path,
    logs,
    uriCalls: [],
    handler: undefined as unknown as EvidenceHandler,
    another: undefined as unknown as Setup["another"],
    async close() {
      await client.close();
      await agent.close();
      await emu.close();
      await temp.cleanup();
    },
  };
  s.another = (overrides) => createEvidenceHandler({
    api: {
      async getPackageUri(id) {
        const link = await client.getPackageUri(id);
        s.uriCalls.push(clock.now());
        await s.afterUri?.();
        return link;
      },
    },
    apiOrigin: settings.apiUrl,
    tenantId: settings.tenantId,
    clock,
    dispatcher: agent,
    queue: new SerialQueue(),
    log: (l) => logs.push(l),
    ...overrides,
  });
  s.handler = s.another({});
  return s;
}

const fleetIds = (emu: EmulatorHandle) => emu.scenario.machines.filter((m) => m.computerDnsName?.startsWith("fleet-")).map((m) => m.id);

async function collect(s: Setup, machineId: string): Promise<CollectionOutputs> {
  const { action, adopted } = await s.client.collectInvestigationPackage(machineId, "case 4711: evidence test");
  const inputs = { machineId, comment: "case 4711: evidence test", triggers: {}, waitForCompletion: true, timeoutMinutes: 30, evidenceDirectory: s.dir, cancelOnDelete: false };
  return toOutputs(inputs, action, adopted);
}

async function refreshed(s: Setup, outs: CollectionOutputs): Promise<CollectionOutputs> {
  const a = await s.client.getMachineAction(outs.actionId);
  return { ...outs, status: a.status, lastUpdateDateTimeUtc: a.lastUpdateDateTimeUtc, requestor: a.requestor, requestorComment: a.requestorComment };
}

const uriRoute = (emu: EmulatorHandle) => Object.entries(emu.counters().requests).find(([k]) => k.includes("GetPackageUri"))?.[1] ?? {};
const downloadRoute = (emu: EmulatorHandle) => Object.entries(emu.counters().requests).find(([k]) => k.includes("safedownload"))?.[1] ?? {};

describe("evidence with the real client and emulator", () => {
  let s: Setup;
  beforeEach(async () => {
    s = await setup();
  });
  afterEach(() => s.close());

  it("fetches 5 packages with exactly 5 GetPackageUri calls, none before Succeeded, within 2/min, each hash equal to the emulator's", async () => {
    const pending = await Promise.all(fleetIds(s.emu).map((id) => collect(s, id)));
    expect(pending).toHaveLength(5);
    await s.emu.advanceClock(70_000); // online machines: 5 s Pending + 60 s InProgress
    const done = await Promise.all(pending.map((o) => refreshed(s, o)));
    expect(done.map((o) => o.status)).toEqual(Array(5).fill("Succeeded"));

    const kept = await Promise.all(done.map((o) => s.handler.fetch(o, { adopted: o.adopted })));

    for (const [i, o] of done.entries()) {
      const info = await s.emu.packageInfo(o.actionId);
      expect(kept[i].packageSha256).toBe(info!.sha256);
      expect(kept[i].packageSizeBytes).toBe(info!.size);
      expect(s.emu.counters().packageUriCalls[o.actionId]).toBe(1);
      expect(s.emu.counters().packageDownloads[o.actionId]).toBe(1);
    }
    expect(uriRoute(s.emu)).toEqual({ "200": 5 }); // no 404 (before Succeeded), no 429
    expect(s.emu.counters().tooManyRequests).toBe(0);
    // The client's limiter spaced the calls: never more than 2 in any 60 s of emulated time.
    const t = s.uriCalls;
    for (let i = 2; i < t.length; i++) expect(t[i] - t[i - 2]).toBeGreaterThanOrEqual(60_000);
    expect(t[4] - t[0]).toBeGreaterThanOrEqual(120_000);
  });

  it("asks for a new link when the first expires between GetPackageUri and the download", async () => {
    const [machine] = fleetIds(s.emu);
    const outs = await collect(s, machine);
    await s.emu.advanceClock(70_000);
    let first = true;
    s.afterUri = async () => {
      if (first) await s.emu.advanceClock(11 * 60_000); // the emulator's links live 10 emulated minutes
      first = false;
    };
    const kept = await s.handler.fetch(await refreshed(s, outs), { adopted: false });

    expect(kept.packageSha256).toBe((await s.emu.packageInfo(outs.actionId))!.sha256);
    expect(s.emu.counters().packageUriCalls[outs.actionId]).toBe(2);
    expect(downloadRoute(s.emu)).toEqual({ "403": 1, "200": 1 });
    expect(s.logs.join("\n")).toMatch(/HTTP 403; attempt 2 with a new link/);
    expect(s.logs.join("\n")).not.toMatch(/token=(?!\[REDACTED\])/);
  });

  it("retries a reset download with the same link, without another GetPackageUri", async () => {
    const [machine] = fleetIds(s.emu);
    const outs = await collect(s, machine);
    await s.emu.advanceClock(70_000);
    s.emu.faults.add({ route: "download", type: "reset", count: 1 });
    const kept = await s.handler.fetch(await refreshed(s, outs), { adopted: false });

    expect(kept.packageSha256).toBe((await s.emu.packageInfo(outs.actionId))!.sha256);
    expect(s.emu.counters().packageUriCalls[outs.actionId]).toBe(1);
    expect(downloadRoute(s.emu)).toEqual({ reset: 1, "200": 1 });
  });

  it("retries a download cut mid-stream, and keeps the whole package, not the part that arrived", async () => {
    const [machine] = fleetIds(s.emu);
    const outs = await collect(s, machine);
    await s.emu.advanceClock(70_000);
    // 512 KiB announced, 100 000 bytes sent, then the connection drops.
    s.emu.faults.add({ route: "download", type: "reset", when: "midBody", afterBytes: 100_000, count: 1 });
    const kept = await s.handler.fetch(await refreshed(s, outs), { adopted: false });

    const info = (await s.emu.packageInfo(outs.actionId))!;
    expect(kept).toMatchObject({ packageSha256: info.sha256, packageSizeBytes: info.size });
    expect(createHash("sha256").update(readFileSync(kept.packagePath!)).digest("hex")).toBe(info.sha256);
    expect(downloadRoute(s.emu)).toEqual({ reset: 1, "200": 1 });
    expect(s.emu.counters().packageUriCalls[outs.actionId]).toBe(1);
  });

  it("fails at once, with the fix, when the storage host's certificate is not trusted", async () => {
    const [machine] = fleetIds(s.emu);
    const outs = await collect(s, machine);
    await s.emu.advanceClock(70_000);
    const untrusting = new Agent();
    try {
      s.handler = s.another({ dispatcher: untrusting });
      const err = await s.handler.fetch(await refreshed(s, outs), { adopted: false }).catch((e: Error) => e);
      expect((err as Error).message).toMatch(/the storage host's TLS certificate is not trusted \([A-Z_]+\); add its CA to NODE_EXTRA_CA_CERTS/);
      expect(s.emu.counters().packageUriCalls[outs.actionId]).toBe(1);
      expect(downloadRoute(s.emu)).toEqual({});
    } finally {
      await untrusting.close();
    }
  });

  it("reports the real client's 404 (collection not complete) as an error after one call", async () => {
    const [machine] = fleetIds(s.emu);
    const outs = await collect(s, machine);
    // Outputs claiming Succeeded while MDE says Pending: the handler must not poll.
    const err = await s.handler.fetch({ ...outs, status: "Succeeded" }, { adopted: false }).catch((e: Error) => e);
    expect((err as Error).message).toMatch(/404 to GetPackageUri .*: the action is not complete/);
    expect(uriRoute(s.emu)).toEqual({ "404": 1 });
  });
});
