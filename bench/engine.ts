/**
 * The component design of a sweep (bench/projects/component-sweep: one InvestigationPackageCollection
 * per machine, as InvestigationSweep was before it became one resource) through the real Pulumi
 * CLI and engine, and what the engine costs per resource; the baseline of engineSweep.ts.
 *
 * 1. Collection runs, 10 and 100 machines, waiting for every collection: with `--parallel` at
 *    the fleet size, and 100 machines once more with the CLI's default parallelism, because
 *    each waiting collection holds one of the engine's slots. Optionally (`--engine-1000`) 1000
 *    machines at a low time scale: the engine's costs are real time, so only a run near MDE's
 *    real speed shows how they add up with a thousand collections pending for minutes.
 * 2. Engine-cost runs, 10, 100 and 1000 machines, `waitForCompletion: false` at a time scale
 *    where quota waits vanish: what remains is the engine (program, steps, provider RPCs) and its
 *    checkpoints. Each runs twice, the second time with PULUMI_SKIP_CHECKPOINTS=true (only the
 *    final state is written); the difference is the checkpoints' cost. Compared with the quota
 *    bound of the same sweep in real time (scale 1), it shows where the engine would dominate.
 */
import * as path from "node:path";
import { REPO_ROOT } from "../scripts/lib/stackRunner";
import { runBoundMs } from "./bounds";
import { type EngineSuiteOptions, withTenant } from "./engineRun";
import { acceptedPosts, duplicatePosts, MINUTE } from "./metrics";
import { ONLINE_DEVICE_MS, planRun } from "./run";
import { ok } from "./timeline";

/** Today's-design baseline: a component with one InvestigationPackageCollection per machine. */
export const COMPONENT_PROJECT = path.join(REPO_ROOT, "bench", "projects", "component-sweep");
/** Emulated time per real second in engine-cost runs: a 1000-machine POST schedule (9 min) takes under a second. */
export const ENGINE_COST_SCALE = 600;

export interface EngineCollectionRun {
  machines: number;
  /** `--parallel`; null for the CLI's default. */
  parallel: number | null;
  timeScale: number;
  ok: boolean;
  counts: Record<string, number> | null;
  /** The whole `pulumi up`, real seconds and in emulated minutes. */
  upRealSeconds: number;
  upMin: number;
  /** Real seconds from the start of `pulumi up` to the first collect POST (CLI, program, lookup, plugins). */
  startupRealSeconds: number | null;
  /** Emulated minutes from the first collect POST to the last poll, which saw the last collection final. */
  collectionMin: number | null;
  /** The same phase at the quota bound. */
  boundMin: number;
  /** collectionMin / boundMin, comparable with the in-process runs. */
  ratio: number | null;
  /** Real seconds from that last poll to the end of `pulumi up` (outputs, final checkpoint). */
  finishRealSeconds: number | null;
  /** Spread of the collect POSTs, emulated minutes after the first. */
  lastPostMin: number | null;
  tooManyRequests: number;
  duplicatePosts: number;
  checkpointBytes: number;
}

export interface EngineCostRun {
  machines: number;
  skipCheckpoints: boolean;
  upRealSeconds: number;
  checkpointBytes: number;
  bytesPerResource: number;
  resources: number;
}

export interface EngineResults {
  collection: EngineCollectionRun[];
  cost: EngineCostRun[];
  projection?: EngineProjection;
  /** Per fleet size: engine seconds with and without checkpoints vs the quota bound in real time. */
  analysis: Array<{ machines: number; engineSeconds: number; checkpointSeconds: number; checkpointMsPerResource: number; checkpointKiB: number; boundSeconds: number; engineShareOfBound: number }>;
}

interface SuiteOptions extends EngineSuiteOptions {
  /** @default [10, 100] */
  collectionSizes?: number[];
  /** @default [10, 100, 1000] */
  costSizes?: number[];
  /** Also run 1000 machines through `pulumi up`, waiting, at this time scale (1: MDE's real speed). */
  fleet1000Scale?: number;
}

export async function runEngineSuite(o: SuiteOptions): Promise<EngineResults> {
  const collection: EngineCollectionRun[] = [];
  for (const machines of o.collectionSizes ?? [10, 100]) {
    collection.push(await collectionRun(o, machines, machines));
    // Precision does not matter here (it takes about 14 times the bound): a faster clock.
    if (machines >= 100) collection.push(await collectionRun(o, machines, null, 2 * planRun(machines, false).timeScale));
  }
  if (o.fleet1000Scale !== undefined) collection.push(await collectionRun(o, 1000, 1000, o.fleet1000Scale));
  const cost: EngineCostRun[] = [];
  for (const machines of o.costSizes ?? [10, 100, 1000]) {
    for (const skipCheckpoints of [false, true]) cost.push(await costRun(o, machines, skipCheckpoints));
  }
  const analysis = analyse(cost);
  return { collection, cost, analysis, projection: project(analysis) };
}

/**
 * Where the engine would outgrow the quota: checkpoints rewrite the whole state (growing with
 * the fleet) at every step, so their cost grows with the square of the fleet, the rest of the
 * engine's work linearly. Fitted on the largest measured fleet, compared with the quota bound.
 */
export interface EngineProjection {
  /** Seconds of checkpoint writing ≈ checkpointSecondsPerMachine² × N². */
  checkpointSecondsPerMachineSquared: number;
  /** Seconds of other engine work per machine. */
  otherSecondsPerMachine: number;
  /** The smallest fleet (in steps of 100) whose engine work exceeds its quota bound at real speed; null up to 50 000. */
  crossoverMachines: number | null;
}

export function project(analysis: EngineResults["analysis"]): EngineProjection | undefined {
  const largest = [...analysis].sort((a, b) => b.machines - a.machines)[0];
  if (!largest) return undefined;
  const n = largest.machines;
  const k = largest.checkpointSeconds / (n * n);
  const other = Math.max(0, largest.engineSeconds - largest.checkpointSeconds) / n;
  let crossover: number | null = null;
  for (let m = 100; m <= 50_000; m += 100) {
    if (k * m * m + other * m > runBoundMs(m, false, ONLINE_DEVICE_MS) / 1000) {
      crossover = m;
      break;
    }
  }
  return { checkpointSecondsPerMachineSquared: k, otherSecondsPerMachine: round(other, 4), crossoverMachines: crossover };
}

async function collectionRun(o: SuiteOptions, machines: number, parallel: number | null, scale?: number): Promise<EngineCollectionRun> {
  const timeScale = scale ?? planRun(machines, false).timeScale;
  const r = await withTenant(o, machines, timeScale, `c${machines}p${parallel ?? "d"}`, { projectDir: COMPONENT_PROJECT, waitForCompletion: true, parallel });
  const accepted = [...acceptedPosts(r.timeline).values()];
  const watch = r.timeline.filter((e) => e.route === "listActions" && e.ids && ok(e));
  const boundMs = runBoundMs(machines, false, ONLINE_DEVICE_MS);
  const firstPost = accepted.length > 0 ? Math.min(...accepted) : undefined;
  const lastPost = accepted.length > 0 ? Math.max(...accepted) : undefined;
  const lastPoll = watch.at(-1)?.t;
  const upStart = r.upStartMs ?? 0;
  const upEnd = upStart + r.realMs * timeScale;
  const collection = firstPost !== undefined && lastPoll !== undefined ? lastPoll - firstPost : undefined;
  const run: EngineCollectionRun = {
    machines,
    parallel,
    timeScale,
    ok: r.ok,
    counts: r.counts,
    upRealSeconds: round(r.realMs / 1000, 1),
    upMin: round((r.realMs * timeScale) / MINUTE),
    startupRealSeconds: firstPost !== undefined ? round((firstPost - upStart) / timeScale / 1000, 1) : null,
    collectionMin: collection !== undefined ? round(collection / MINUTE) : null,
    boundMin: round(boundMs / MINUTE),
    ratio: collection !== undefined ? round(collection / boundMs, 3) : null,
    finishRealSeconds: lastPoll !== undefined ? round((upEnd - lastPoll) / timeScale / 1000, 1) : null,
    lastPostMin: firstPost !== undefined && lastPost !== undefined ? round((lastPost - firstPost) / MINUTE) : null,
    tooManyRequests: r.timeline.filter((e) => e.status === 429).length,
    duplicatePosts: duplicatePosts(r.timeline),
    checkpointBytes: r.checkpointBytes,
  };
  o.log(
    `engine up ${machines} machines --parallel ${parallel ?? "default"} ×${timeScale}: ${run.upRealSeconds} s real (${run.upMin} min); ` +
      `startup ${run.startupRealSeconds} s real, collections ${run.collectionMin} min (bound ${run.boundMin}, ×${run.ratio}), finish ${run.finishRealSeconds} s real; 429s ${run.tooManyRequests}`,
  );
  return run;
}

async function costRun(o: SuiteOptions, machines: number, skipCheckpoints: boolean): Promise<EngineCostRun> {
  const r = await withTenant(o, machines, ENGINE_COST_SCALE, `k${machines}${skipCheckpoints ? "s" : "c"}`, {
    projectDir: COMPONENT_PROJECT,
    waitForCompletion: false,
    parallel: machines,
    env: skipCheckpoints ? { PULUMI_SKIP_CHECKPOINTS: "true" } : {},
  });
  const run: EngineCostRun = {
    machines,
    skipCheckpoints,
    upRealSeconds: round(r.realMs / 1000, 2),
    checkpointBytes: r.checkpointBytes,
    bytesPerResource: Math.round(r.checkpointBytes / Math.max(1, r.resources)),
    resources: r.resources,
  };
  o.log(`engine cost ${machines} machines${skipCheckpoints ? " (PULUMI_SKIP_CHECKPOINTS)" : ""}: ${run.upRealSeconds} s real, state ${(run.checkpointBytes / 1024).toFixed(0)} KiB`);
  return run;
}

function analyse(cost: EngineCostRun[]): EngineResults["analysis"] {
  const sizes = [...new Set(cost.map((c) => c.machines))];
  return sizes.map((machines) => {
    const withCk = cost.find((c) => c.machines === machines && !c.skipCheckpoints)!;
    const without = cost.find((c) => c.machines === machines && c.skipCheckpoints)!;
    const checkpointSeconds = Math.max(0, withCk.upRealSeconds - without.upRealSeconds);
    const boundSeconds = runBoundMs(machines, false, ONLINE_DEVICE_MS) / 1000;
    return {
      machines,
      engineSeconds: withCk.upRealSeconds,
      checkpointSeconds: round(checkpointSeconds, 2),
      checkpointMsPerResource: round((checkpointSeconds * 1000) / machines, 1),
      checkpointKiB: round(withCk.checkpointBytes / 1024, 0),
      boundSeconds,
      engineShareOfBound: round(withCk.upRealSeconds / boundSeconds, 3),
    };
  });
}

const round = (x: number, d = 2) => Math.round(x * 10 ** d) / 10 ** d;
