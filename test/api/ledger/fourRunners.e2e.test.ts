/**
 * Issue #24 with real parts: four separate processes, each the sweep runtime collecting from 250
 * machines, share one tenant's collect quota through the ledger on Azurite (HTTPS, OAuth, real
 * ETags), signed in with real @azure/identity against the emulator's token endpoint.
 *
 * They end in Succeeded collections, not in evidence: 1000 packages at MDE's 2 links a minute
 * are 500 emulated minutes (25 real minutes at this scale), and the link quota's sharing is the
 * same code as the collect quota's (one ledger document per family).
 *
 * What would be a wall-time race is not asserted on wall time: the quota is checked on the
 * emulator's own record (its 429 counter and the emulated instants of the accepted POSTs); the
 * killed runner's expiry on the ledger document with an explicit clock at the lease's end.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ClientSecretCredential } from "@azure/identity";
import { ContainerClient } from "@azure/storage-blob";
import { fleetScenario } from "../../../bench/run";
import { Timeline } from "../../../bench/timeline";
import { type EmulatorHandle, startEmulator } from "../../../emulator";
import { BlobLedgerStore } from "../../../provider/api/ledger/blobStore";
import { type LedgerDocument } from "../../../provider/api/ledger/document";
import { LedgerSlotSource } from "../../../provider/api/ledger/ledgerSlots";
import { parseLedgerLocation } from "../../../provider/api/ledger/location";
import { type AzuriteHandle, startAzurite, trustCaInProcess } from "../../../scripts/lib/azurite";
import { childJson } from "../../../scripts/lib/childJson";
import { emulatorEnv } from "../../../scripts/lib/emulatorConfig";
import { busiest } from "../../helpers/busiest";
import { FakeClock } from "../../helpers/fakeClock";
import { SWEEP_CHILD_SCRIPT, type SweepChildResult } from "../../helpers/sweepChild";

/** A minute lasts 6 real seconds: 1000 collections take about a real minute. */
const TIME_SCALE = 10;
/**
 * Real ms each ledger slot is held beyond the window until its call is answered. A runner sends
 * within half of it, and MDE counts on arrival, so it must cover how much the latency of two calls
 * can differ: half a second on a machine at load 30 (300 ms let one 429 through). Answered calls
 * keep the default skewMs (250 ms) of it, as runners on different hosts would.
 */
const MARGIN_MS = 1_000;
const LEASE_MS = 30_000;

let dir: string;
let emulator: EmulatorHandle;
let azurite: AzuriteHandle;
let timeline: Timeline | undefined;
let credential: ClientSecretCredential;
jest.setTimeout(600_000);

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "four-runners-"));
  emulator = await startEmulator({ seed: "four-runners", tlsDir: dir, timeScale: TIME_SCALE, scenario: fleetScenario(1000), logger: (line) => timeline?.log(line) });
  azurite = await startAzurite(dir);
  trustCaInProcess(emulator.caFile);
  credential = new ClientSecretCredential(emulator.tenantId, emulator.clientId, emulator.clientSecret, { authorityHost: emulator.authorityHost, disableInstanceDiscovery: true });
  writeFileSync(join(dir, "sweepChild.js"), SWEEP_CHILD_SCRIPT);
}, 120_000);
afterAll(async () => {
  await azurite?.close();
  await emulator?.close();
  rmSync(dir, { recursive: true, force: true });
});

function runnerEnv(container: string, timeScale: number): NodeJS.ProcessEnv {
  return {
    ...process.env,
    ...emulatorEnv(emulator, timeScale),
    NODE_EXTRA_CA_CERTS: emulator.caFile,
    MDE_QUOTA_LEDGER: `azblob://devstoreaccount1/${container}/ledger?endpoint=${azurite.endpoint}&marginMs=${MARGIN_MS}`,
  };
}

describe("four runners, one quota, through the ledger on Azurite", () => {
  it("collect 1000 machines with no 429, no duplicate, within 100 a minute on MDE's side, every one Succeeded", async () => {
    await new ContainerClient(`${azurite.endpoint}/quota`, credential).create();
    const machines = emulator.scenario.machines.map((m) => m.id);
    timeline = new Timeline(() => emulator.clock.now());
    timeline.start();
    const runs = await Promise.all(
      [0, 1, 2, 3].map((i) =>
        childJson<SweepChildResult>(join(dir, "sweepChild.js"), [JSON.stringify({ sweepName: `inc-${i}`, machineIds: machines.slice(i * 250, (i + 1) * 250) })], runnerEnv("quota", TIME_SCALE)),
      ),
    );
    for (const r of runs) expect(r.result.fatal ?? "").toBe("");
    // Every runner's machines end Succeeded (what did not, with its error, first: it explains the rest).
    const entries = runs.flatMap((r) => Object.values(r.result.machines ?? {}));
    expect(entries.filter((e) => e.status !== "Succeeded").slice(0, 3)).toEqual([]);
    expect(entries).toHaveLength(1000);
    const counters = emulator.counters();
    const refused = Object.entries(counters.requests).filter(([, byStatus]) => byStatus["429"]);
    expect({ tooManyRequests: counters.tooManyRequests, refused }).toEqual({ tooManyRequests: 0, refused: [] });
    // No collection duplicated: one POST and one collection per machine.
    expect(Object.keys(counters.collectPosts)).toHaveLength(1000);
    expect(Object.values(counters.collectPosts).every((n) => n === 1)).toBe(true);
    for (const m of machines) expect(emulator.actions.ofMachine(m)).toHaveLength(1);
    // The combined schedule, as MDE (the emulator) accepted it: never more than 100 in a minute.
    const accepted = timeline.entries.filter((e) => e.route === "collect" && typeof e.status === "number" && e.status < 300).map((e) => e.t);
    expect(accepted).toHaveLength(1000);
    expect(busiest(accepted, 60_000)).toBeLessThanOrEqual(100);
    const lastMs = Math.max(...accepted);
    const m = runs.map((r) => r.result.metrics!);
    const writes = m.reduce((n, x) => n + x.writes, 0);
    const conflicts = m.reduce((n, x) => n + x.conflicts, 0);
    const ledgerCalls = m.reduce((n, x) => n + x.reads + x.writes, 0);
    const mdeCalls = Object.values(counters.requests).reduce((n, byStatus) => n + Object.values(byStatus).reduce((a, b) => a + b, 0), 0);
    console.log(
      `four runners x 250 through the ledger (x${TIME_SCALE}, margin ${MARGIN_MS} ms): last POST accepted at ${(lastMs / 60_000).toFixed(2)} emulated min (bound 9.00, ×${(lastMs / 540_000).toFixed(3)}; answered calls keep 250 ms of the margin: ×${((60_000 / TIME_SCALE + 250) / (60_000 / TIME_SCALE)).toFixed(3)} at best), ` +
        `${ledgerCalls} ledger calls for ${mdeCalls} MDE calls (${(ledgerCalls / mdeCalls).toFixed(3)} per call), ${conflicts} CAS conflicts of ${writes} writes (${((100 * conflicts) / writes).toFixed(1)}%)`,
    );
  });

  it("a killed runner's reservations never outlive its lease: past it, the next writer drops the runner and nothing of it is held ahead", async () => {
    await new ContainerClient(`${azurite.endpoint}/killed`, credential).create();
    const parsed = parseLedgerLocation(`azblob://devstoreaccount1/killed/ledger?endpoint=${azurite.endpoint}&marginMs=${MARGIN_MS}`);
    if (!parsed.ok) throw new Error(parsed.problem);
    const store = new BlobLedgerStore(parsed.value, credential);
    const docName = (f: string) => `${emulator.tenantId}/${emulator.clientId}/${f}.json`;
    const read = async () => JSON.parse((await store.read(docName("collect")))!.text) as LedgerDocument;
    // A sweep at MDE's real pace (scale 1): killed once it holds reservations ahead of now.
    const victim = spawn(process.execPath, [join(dir, "sweepChild.js"), JSON.stringify({ sweepName: "victim", machineIds: emulator.scenario.machines.slice(0, 250).map((x) => x.id) })], {
      env: runnerEnv("killed", 1),
      stdio: "ignore",
    });
    let gone = false;
    const exited = new Promise((r) => victim.once("exit", (code) => ((gone = true), r(code))));
    let doc: LedgerDocument | undefined;
    const fromWallStart = Date.now();
    // Polls the ledger (not a timer race) until the victim holds slots it has not reached yet.
    while (!doc || !doc.grants.some(([t]) => t > Date.now())) {
      if (gone || Date.now() - fromWallStart > 180_000) throw new Error(`the victim ${gone ? "exited" : "never reserved future slots"}`);
      await new Promise((r) => setTimeout(r, 100));
      doc = (await store.read(docName("collect"))) ? await read() : undefined;
    }
    victim.kill("SIGKILL");
    await exited;
    const holder = Object.keys((doc = await read()).holders)[0];
    const { seen } = doc.holders[holder];
    const expiry = seen + LEASE_MS + MARGIN_MS;
    const futureAt = (d: LedgerDocument, at: number) => d.grants.filter(([t, h]) => h === holder && t > at).length;
    // What it holds ahead lies within the reservation horizon (a tenth of the minute), well inside its lease.
    expect(futureAt(doc, seen)).toBeGreaterThan(0);
    expect(futureAt(doc, expiry)).toBe(0);
    // Another runner writes at the last instant of the lease: the dead runner is still a holder.
    const writer = (at: number, id: string) =>
      new LedgerSlotSource({ store, documentName: docName, holder: id, clock: new FakeClock(at), logger: { info: () => undefined, warn: () => undefined }, timeScale: 1, marginMs: MARGIN_MS, leaseMs: LEASE_MS });
    const early = writer(expiry, "early");
    await early.take("collect", 1);
    expect(Object.keys((await read()).holders)).toContain(holder);
    // One millisecond later, the next write drops it: nothing of it is held ahead, and it owes nothing.
    const late = writer(expiry + 1, "late");
    await late.take("collect", 1);
    expect(futureAt(await read(), expiry + 1)).toBe(0);
    expect(Object.keys((await read()).holders)).not.toContain(holder);
  });
});
