/**
 * One benchmark run: a fresh emulator with a fleet of online devices, one policy against it,
 * and the measurements taken from the emulator's side.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET, DEFAULT_TENANT_ID, startEmulator } from "../emulator";
import { BEHAVIOR_DEFAULTS } from "../emulator/persistence/lifecycle";
import type { ScenarioInput } from "../emulator/scenario/scenarioSchema";
import { runBoundMs } from "./bounds";
import { computeMetrics, type MemoryPeak, type RunMetrics } from "./metrics";
import type { Policy, PolicyInput } from "./policies/types";
import { Timeline } from "./timeline";

/** Emulated ms an online device takes from the POST to Succeeded (Pending 5 s + InProgress 60 s). */
export const ONLINE_DEVICE_MS = ((BEHAVIOR_DEFAULTS.online.params.pendingSeconds ?? 0) + (BEHAVIOR_DEFAULTS.online.params.inProgressSeconds ?? 0)) * 1000;

export interface RunSpec {
  policy: Policy;
  machines: number;
  packages: boolean;
  /** @default {@link planRun}'s */
  timeScale?: number;
  seed: string;
  /** Shared TLS folder: one CA for every emulator of the bench, trusted at process start. */
  tlsDir: string;
  workDir: string;
}

/** Real seconds a run may take at most (a run stopped at its deadline). */
export const MAX_REAL_SECONDS_PER_RUN = 90;
/** Real seconds the bound should last at least: a slower clock leaves more room for CPU noise. */
export const MIN_REAL_SECONDS_OF_BOUND = 40;

/**
 * A run's deadline and time scale. The deadline is twice the bound (at least the bound plus
 * 15 minutes): a policy may be slow, but not forever. The scale is as low as possible for
 * accuracy (every real millisecond of CPU counts `timeScale` emulated ones) while the deadline
 * fits in {@link MAX_REAL_SECONDS_PER_RUN}; at least 10, at most 200. Every policy of a
 * (machines, packages) case gets the same bound, deadline and scale.
 */
export function planRun(machines: number, packages: boolean): { boundMs: number; deadlineMs: number; timeScale: number } {
  const boundMs = runBoundMs(machines, packages, ONLINE_DEVICE_MS);
  const deadlineMs = Math.max(2 * boundMs, boundMs + 15 * 60_000);
  const wanted = Math.min(deadlineMs / (MAX_REAL_SECONDS_PER_RUN * 1000), boundMs / (MIN_REAL_SECONDS_OF_BOUND * 1000));
  const timeScale = Math.min(200, Math.max(10, Math.ceil(wanted)));
  return { boundMs, deadlineMs, timeScale };
}

/** A tenant with `n` online machines and nothing running; default quotas (100/min, 1500/h; 2/min, 120/h). */
export function fleetScenario(n: number): ScenarioInput {
  return {
    name: "bench",
    tenants: [{ id: DEFAULT_TENANT_ID, displayName: "Contoso (bench)" }],
    apps: [{ clientId: DEFAULT_CLIENT_ID, clientSecret: DEFAULT_CLIENT_SECRET, displayName: "IR Automation", roles: ["Machine.CollectForensics", "Machine.Read.All"] }],
    machines: [],
    actions: [],
    fleet: { count: n, behavior: "online" },
  };
}

export async function runOne(spec: RunSpec): Promise<RunMetrics> {
  const plan = planRun(spec.machines, spec.packages);
  const timeScale = spec.timeScale ?? plan.timeScale;
  let timeline: Timeline | undefined;
  const emulator = await startEmulator({
    timeScale,
    seed: spec.seed,
    scenario: fleetScenario(spec.machines),
    tlsDir: spec.tlsDir,
    logger: (line) => timeline?.log(line),
  });
  timeline = new Timeline(() => emulator.clock.now());
  const evidenceDirectory = path.join(spec.workDir, `${spec.policy.id}-${spec.machines}-${spec.packages ? "packages" : "collect"}`);
  fs.rmSync(evidenceDirectory, { recursive: true, force: true });
  try {
    const deadline = new AbortController();
    const input: PolicyInput = {
      target: {
        apiUrl: emulator.apiUrl,
        authorityHost: emulator.authorityHost,
        tenantId: emulator.tenantId,
        clientId: emulator.clientId,
        clientSecret: emulator.clientSecret,
        caFile: emulator.caFile,
        timeScale,
      },
      machineIds: emulator.scenario.machines.map((m) => m.id),
      comment: `BENCH-${spec.machines}: investigation package sweep`,
      packages: spec.packages,
      evidenceDirectory,
      seed: spec.seed,
      now: () => timeline!.elapsed(),
      signal: deadline.signal,
    };
    await spec.policy.prepare(input);
    timeline.start();
    const realStart = Date.now();
    const timer = setTimeout(() => deadline.abort(), plan.deadlineMs / timeScale);
    const memory = sampleMemory();
    const outcomes = await spec.policy.run(input).finally(() => clearTimeout(timer));
    const peak = memory.stop();
    const wallMs = Math.max(0, ...outcomes.map((o) => o.finishedMs));
    if (process.env.PMF_BENCH_DUMP) {
      fs.writeFileSync(path.join(spec.workDir, `timeline-${spec.policy.id}-${spec.machines}-${spec.packages ? "p" : "c"}.json`), JSON.stringify({ outcomes, timeline: timeline.entries }));
    }
    return computeMetrics({
      policy: spec.policy.id,
      label: spec.policy.label,
      machines: spec.machines,
      packages: spec.packages,
      timeScale,
      deviceMs: ONLINE_DEVICE_MS,
      wallMs,
      realMs: Date.now() - realStart,
      deadlineMs: plan.deadlineMs,
      stopped: deadline.signal.aborted,
      timeline: timeline.entries,
      outcomes,
      memory: peak,
    });
  } finally {
    await emulator.close();
    fs.rmSync(evidenceDirectory, { recursive: true, force: true });
  }
}

/**
 * Peak memory of the bench process while a policy runs, sampled every 100 ms: the provider's and
 * the in-process emulator's together (the emulator's share grows with the fleet and its actions).
 */
function sampleMemory(): { stop(): MemoryPeak } {
  const mib = (b: number) => Math.round(b / 1048576);
  const start = process.memoryUsage();
  let rss = start.rss;
  let heap = start.heapUsed;
  const timer = setInterval(() => {
    const m = process.memoryUsage();
    rss = Math.max(rss, m.rss);
    heap = Math.max(heap, m.heapUsed);
  }, 100);
  return {
    stop() {
      clearInterval(timer);
      return { startRssMiB: mib(start.rss), startHeapMiB: mib(start.heapUsed), peakRssMiB: mib(rss), peakHeapMiB: mib(heap) };
    },
  };
}
