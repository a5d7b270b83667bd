/**
 * The quota-sharing case (issue #24): four runners (separate processes, the sweep runtime each)
 * collecting from 250 machines each of one tenant, side by side in one run:
 *
 * - uncoordinated (each process its own windows, as without `mde:quotaLedger`): MDE's 429s and
 *   the ratio to the bound;
 * - through the ledger on Azurite: the ratio to the bound, ledger calls per MDE call, and the
 *   compare-and-swap conflict rate.
 *
 * The bound is the single-process one for all the runners' collections together: the last collect
 * POST of N cannot be accepted before the N-th grant of 100 per sliding minute (collectionBound).
 * Measured on the emulator's side: the emulated instants it accepted the POSTs at, its 429 counter.
 */
import { writeFileSync } from "node:fs";
import * as path from "node:path";
import { ClientSecretCredential } from "@azure/identity";
import { ContainerClient } from "@azure/storage-blob";
import { startEmulator } from "../emulator";
import { startAzurite } from "../scripts/lib/azurite";
import { ChildStopped, childJson } from "../scripts/lib/childJson";
import { emulatorEnv } from "../scripts/lib/emulatorConfig";
import { collectionBound } from "./bounds";
import { fleetScenario } from "./run";
import { Timeline } from "./timeline";

const MARGIN_MS = 1_000;

export interface QuotaShareRun {
  mode: "uncoordinated" | "ledger";
  runners: number;
  machinesPerRunner: number;
  timeScale: number;
  tooManyRequests: number;
  /** Collect POSTs beyond one per machine (429s re-sent included). */
  extraCollectPosts: number;
  succeeded: number;
  /** Runners killed at the deadline (twice the bound, at least the bound + 15 min), uncoordinated runners stuck in 429s. */
  stopped: number;
  /** Collect POSTs MDE accepted; the ratio means something only when all were. */
  accepted: number;
  /** Emulated minutes: the last accepted collect POST, and its bound for all the collections. */
  lastPostMin: number;
  boundMin: number;
  ratio: number;
  /** Ledger only. */
  ledgerCallsPerMdeCall?: number;
  casConflictRate?: number;
  realSeconds: number;
}

export interface QuotaShareOptions {
  tlsDir: string;
  seed: string;
  runners?: number;
  machinesPerRunner?: number;
  /**
   * @default 2: a minute lasts 30 real seconds. The ledger's cost per window is the calls' real
   * latency (a burst of 100 POSTs answered by an emulator sharing two cores with four runners and
   * Azurite: 0.1-0.6 s); at scale 10 that is amplified to 1-6 emulated s of a 60 s window, which
   * measures this machine's load, not the scheme, so scale 10 is run as a third row beside it.
   */
  timeScale?: number;
  log: (line: string) => void;
}

interface RunnerResult {
  machines?: Record<string, { status: string }>;
  metrics?: { reads: number; writes: number; conflicts: number };
  fatal?: string;
  stopped?: boolean;
}

/** Both modes, each on a fresh emulator; the ledger on one Azurite. */
export async function runQuotaShareCase(o: QuotaShareOptions): Promise<QuotaShareRun[]> {
  const azurite = await startAzurite(o.tlsDir);
  try {
    const runs: QuotaShareRun[] = [];
    const scale = o.timeScale ?? 2;
    // Uncoordinated at scale 10: it shows MDE's 429s and how few collections get through, which
    // latency does not change; at scale 2 its runners sit in Retry-After until the deadline (12 min).
    const plan: Array<{ mode: QuotaShareRun["mode"]; scale: number }> = [{ mode: "uncoordinated", scale: 10 }, { mode: "ledger", scale }, ...(scale !== 10 ? [{ mode: "ledger" as const, scale: 10 }] : [])];
    for (const { mode, scale: timeScale } of plan) {
      const run = await runMode(mode, azurite.endpoint, { ...o, timeScale });
      o.log(
        `quota share ${mode.padEnd(13)} ${run.runners}x${run.machinesPerRunner} ×${run.timeScale}: last POST ${run.lastPostMin.toFixed(2)} min (bound ${run.boundMin.toFixed(2)}, ${Number.isNaN(run.ratio) ? `n/a: ${run.accepted} accepted` : `×${run.ratio.toFixed(3)}`}) ` +
          `429s ${run.tooManyRequests} extra POSTs ${run.extraCollectPosts} ok ${run.succeeded}` +
          (run.ledgerCallsPerMdeCall !== undefined ? ` ledger calls/MDE call ${run.ledgerCallsPerMdeCall.toFixed(3)} CAS conflicts ${(100 * run.casConflictRate!).toFixed(1)}%` : "") +
          (run.stopped ? ` STOPPED: ${run.stopped} runner(s) at the deadline` : "") + ` [${run.realSeconds.toFixed(0)} s]`,
      );
      runs.push(run);
    }
    return runs;
  } finally {
    await azurite.close();
  }
}

async function runMode(mode: QuotaShareRun["mode"], azuriteEndpoint: string, o: QuotaShareOptions): Promise<QuotaShareRun> {
  const runners = o.runners ?? 4;
  const per = o.machinesPerRunner ?? 250;
  const timeScale = o.timeScale ?? 2;
  let timeline: Timeline | undefined;
  const emulator = await startEmulator({ seed: o.seed, tlsDir: o.tlsDir, timeScale, scenario: fleetScenario(runners * per), logger: (line) => timeline?.log(line) });
  try {
    const credential = new ClientSecretCredential(emulator.tenantId, emulator.clientId, emulator.clientSecret, { authorityHost: emulator.authorityHost, disableInstanceDiscovery: true });
    const container = `quota-${Date.now().toString(36)}`;
    if (mode === "ledger") await new ContainerClient(`${azuriteEndpoint}/${container}`, credential).create();
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      ...emulatorEnv(emulator, timeScale),
      // Real ms a slot is held beyond the window until its call is answered, for latency that differs
      // between calls on a loaded machine (fourRunners.e2e.test.ts); an answered call keeps none of
      // it (skewMs=0): the four runners and the emulator read one host's clock.
      ...(mode === "ledger" ? { MDE_QUOTA_LEDGER: `azblob://devstoreaccount1/${container}/ledger?endpoint=${azuriteEndpoint}&marginMs=${MARGIN_MS}&skewMs=0` } : {}),
    };
    const machines = emulator.scenario.machines.map((m) => m.id);
    timeline = new Timeline(() => emulator.clock.now());
    timeline.start();
    const started = Date.now();
    const boundMs = collectionBound(runners * per, 0).lastPostMs;
    const deadline = new AbortController();
    const timer = setTimeout(() => deadline.abort(), Math.max(2 * boundMs, boundMs + 15 * 60_000) / timeScale);
    const results = await Promise.all(Array.from({ length: runners }, (_, i) => runChild({ sweepName: `runner-${i}`, machineIds: machines.slice(i * per, (i + 1) * per) }, env, deadline.signal))).finally(() => clearTimeout(timer));
    const realSeconds = (Date.now() - started) / 1000;
    const fatal = results.find((r) => r.fatal);
    if (fatal) throw new Error(`a runner failed: ${fatal.fatal}`);
    const counters = emulator.counters();
    const accepted = timeline.entries.filter((e) => e.route === "collect" && typeof e.status === "number" && e.status < 300).map((e) => e.t);
    // From the first accepted POST, as every other run of the bench: four processes starting on a
    // loaded machine (2-3 real s, 20-30 emulated at scale 10) are not the quota's schedule.
    const lastPostMs = accepted.length > 0 ? Math.max(...accepted) - Math.min(...accepted) : 0;
    const mdeCalls = Object.values(counters.requests).reduce((n, byStatus) => n + Object.values(byStatus).reduce((a, b) => a + b, 0), 0);
    const m = results.map((r) => r.metrics).filter((x) => x !== undefined);
    if (process.env.PMF_BENCH_DUMP) writeFileSync(path.join(o.tlsDir, "..", `quotaShare-${mode}.json`), JSON.stringify({ accepted, entries: timeline.entries, metrics: m }));
    const writes = m.reduce((n, x) => n + x.writes, 0);
    return {
      mode, runners, machinesPerRunner: per, timeScale,
      tooManyRequests: counters.tooManyRequests,
      extraCollectPosts: Object.values(counters.collectPosts).reduce((n, x) => n + x, 0) - runners * per,
      stopped: results.filter((r) => r.stopped).length,
      succeeded: results.reduce((n, r) => n + Object.values(r.machines ?? {}).filter((e) => e.status === "Succeeded").length, 0),
      accepted: accepted.length,
      lastPostMin: lastPostMs / 60_000,
      boundMin: boundMs / 60_000,
      // Of fewer POSTs than machines, the last one's time is no schedule at all.
      ratio: accepted.length < runners * per ? Number.NaN : boundMs > 0 ? lastPostMs / boundMs : 1,
      ...(mode === "ledger" && m.length > 0 ? { ledgerCallsPerMdeCall: m.reduce((n, x) => n + x.reads + x.writes, 0) / mdeCalls, casConflictRate: writes > 0 ? m.reduce((n, x) => n + x.conflicts, 0) / writes : 0 } : {}),
      realSeconds,
    };
  } finally {
    await emulator.close();
  }
}

/** One runner process; `{ stopped: true }` when the deadline killed it. */
function runChild(task: { sweepName: string; machineIds: string[] }, env: NodeJS.ProcessEnv, signal: AbortSignal): Promise<RunnerResult> {
  return childJson<RunnerResult>(path.join(__dirname, "runnerChild.js"), [JSON.stringify(task)], env, signal).then(
    ({ result }) => result,
    (e: unknown) => (e instanceof ChildStopped ? { stopped: true } : Promise.reject(e)),
  );
}

/** The side-by-side table for latest.md. */
export function quotaShareMarkdown(runs: readonly QuotaShareRun[]): string[] {
  const lines = ["## Several runners, one quota", "", "| runners | mode | time scale | last POST (min) | bound (min) | ratio | 429s | extra POSTs | Succeeded | ledger calls / MDE call | CAS conflicts |", "|---|---|---|---|---|---|---|---|---|---|---|"];
  for (const r of runs) {
    const ledger = r.ledgerCallsPerMdeCall !== undefined ? [r.ledgerCallsPerMdeCall.toFixed(3), `${(100 * r.casConflictRate!).toFixed(1)}%`] : ["", ""];
    lines.push(`| ${r.runners}×${r.machinesPerRunner} | ${r.mode} | ×${r.timeScale} | ${r.lastPostMin.toFixed(2)} | ${r.boundMin.toFixed(2)} | ${Number.isNaN(r.ratio) ? `n/a (${r.accepted} accepted)` : `×${r.ratio.toFixed(3)}`} | ${r.tooManyRequests} | ${r.extraCollectPosts} | ${r.succeeded}${r.stopped ? ` (${r.stopped} runner(s) stopped)` : ""} | ${ledger[0]} | ${ledger[1]} |`);
  }
  lines.push("");
  return lines;
}
