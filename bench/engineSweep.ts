/**
 * The one-resource InvestigationSweep through the real CLI and engine (examples/sweep), beside
 * the component design's runs (engine.ts):
 *
 * 1. Collection runs at Pulumi's DEFAULT `--parallel` (the sweep holds one slot whatever the
 *    fleet), 100 and 1000 machines, waiting for every collection: the collection phase against
 *    the quota bound, in emulated time like the in-process runs.
 * 2. Engine-cost runs, 1000 and 10,000 machines with `waitForCompletion: false` at time scale
 *    600: what `pulumi up` costs around the POST schedule (startup before the first POST,
 *    finish after the last), and the state's size.
 */
import { runBoundMs } from "./bounds";
import { ENGINE_COST_SCALE } from "./engine";
import { type EngineSuiteOptions, withTenant } from "./engineRun";
import { acceptedPosts, duplicatePosts, MINUTE } from "./metrics";
import { ONLINE_DEVICE_MS } from "./run";
import { ok } from "./timeline";
import * as path from "node:path";
import { REPO_ROOT } from "../scripts/lib/stackRunner";

export const SWEEP_PROJECT = path.join(REPO_ROOT, "examples", "sweep");

/**
 * Time scales of the waiting runs: slow enough that real latencies (HTTPS, engine) stay small
 * in emulated time, since 3% of a 65 s bound is 2 s: 100 machines at MDE's real speed (1: a
 * 65 s bound; at 2, the CPU time of 100 POSTs through provider and emulator alone took 1.1
 * emulated seconds of it on a quiet 2-core machine), 1000 at 16 (38 s), as the in-process
 * 1000-machine runs.
 */
export const SWEEP_COLLECTION_SCALES: Record<number, number> = { 100: 1, 1000: 16 };

export interface SweepCollectionRun {
  machines: number;
  timeScale: number;
  ok: boolean;
  counts: Record<string, number> | null;
  upRealSeconds: number;
  startupRealSeconds: number | null;
  /** Emulated minutes from the first collect POST to the poll that saw the last collection final. */
  collectionMin: number | null;
  boundMin: number;
  ratio: number | null;
  finishRealSeconds: number | null;
  tooManyRequests: number;
  duplicatePosts: number;
  checkpointBytes: number;
}

export interface SweepCostRun {
  machines: number;
  timeScale: number;
  ok: boolean;
  upRealSeconds: number;
  /** Real seconds before the first accepted POST (CLI, program, lookup, plugin, check, diff). */
  startupRealSeconds: number | null;
  /** Real seconds of the POST schedule the quota sets (first to last accepted POST). */
  postsRealSeconds: number | null;
  /** Real seconds after the last POST (outputs, final checkpoint, exit). */
  finishRealSeconds: number | null;
  checkpointBytes: number;
  bytesPerMachine: number;
  resources: number;
  posts: number;
}

export interface SweepEngineResults {
  collection: SweepCollectionRun[];
  cost: SweepCostRun[];
}

export async function runSweepEngineSuite(o: EngineSuiteOptions & { collectionSizes?: number[]; costSizes?: number[] }): Promise<SweepEngineResults> {
  const collection: SweepCollectionRun[] = [];
  for (const machines of o.collectionSizes ?? [100, 1000]) collection.push(await collectionRun(o, machines));
  const cost: SweepCostRun[] = [];
  for (const machines of o.costSizes ?? [1000, 10_000]) cost.push(await costRun(o, machines));
  return { collection, cost };
}

async function collectionRun(o: EngineSuiteOptions, machines: number): Promise<SweepCollectionRun> {
  const timeScale = SWEEP_COLLECTION_SCALES[machines] ?? 16;
  const r = await withTenant(o, machines, timeScale, `s${machines}`, { projectDir: SWEEP_PROJECT, waitForCompletion: true, parallel: null });
  const accepted = [...acceptedPosts(r.timeline).values()];
  const polls = r.timeline.filter((e) => e.route === "listActions" && e.ids && ok(e));
  const boundMs = runBoundMs(machines, false, ONLINE_DEVICE_MS);
  const firstPost = accepted.length > 0 ? Math.min(...accepted) : undefined;
  const lastPoll = polls.at(-1)?.t;
  const upStart = r.upStartMs ?? 0;
  const collection = firstPost !== undefined && lastPoll !== undefined ? lastPoll - firstPost : undefined;
  const run: SweepCollectionRun = {
    machines,
    timeScale,
    ok: r.ok,
    counts: r.counts,
    upRealSeconds: round(r.realMs / 1000, 1),
    startupRealSeconds: firstPost !== undefined ? round((firstPost - upStart) / timeScale / 1000, 1) : null,
    collectionMin: collection !== undefined ? round(collection / MINUTE, 3) : null,
    boundMin: round(boundMs / MINUTE, 3),
    ratio: collection !== undefined ? round(collection / boundMs, 3) : null,
    finishRealSeconds: lastPoll !== undefined ? round((upStart + r.realMs * timeScale - lastPoll) / timeScale / 1000, 1) : null,
    tooManyRequests: r.timeline.filter((e) => e.status === 429).length,
    duplicatePosts: duplicatePosts(r.timeline),
    checkpointBytes: r.checkpointBytes,
  };
  o.log(
    `engine sweep resource ${machines} machines, default --parallel, ×${timeScale}: ${run.upRealSeconds} s real; startup ${run.startupRealSeconds} s, ` +
      `collections ${run.collectionMin} min (bound ${run.boundMin}, ×${run.ratio}), finish ${run.finishRealSeconds} s; 429s ${run.tooManyRequests}, dup ${run.duplicatePosts}${r.ok ? "" : " FAILED"}`,
  );
  return run;
}

async function costRun(o: EngineSuiteOptions, machines: number): Promise<SweepCostRun> {
  const r = await withTenant(o, machines, ENGINE_COST_SCALE, `sk${machines}`, { projectDir: SWEEP_PROJECT, waitForCompletion: false, parallel: null });
  const accepted = [...acceptedPosts(r.timeline).values()];
  const first = accepted.length > 0 ? Math.min(...accepted) : undefined;
  const last = accepted.length > 0 ? Math.max(...accepted) : undefined;
  const upStart = r.upStartMs ?? 0;
  const real = (emulatedMs: number) => round(emulatedMs / ENGINE_COST_SCALE / 1000, 2);
  const run: SweepCostRun = {
    machines,
    timeScale: ENGINE_COST_SCALE,
    ok: r.ok,
    upRealSeconds: round(r.realMs / 1000, 2),
    startupRealSeconds: first !== undefined ? real(first - upStart) : null,
    postsRealSeconds: first !== undefined && last !== undefined ? real(last - first) : null,
    finishRealSeconds: last !== undefined ? real(upStart + r.realMs * ENGINE_COST_SCALE - last) : null,
    checkpointBytes: r.checkpointBytes,
    bytesPerMachine: Math.round(r.checkpointBytes / machines),
    resources: r.resources,
    posts: accepted.length,
  };
  o.log(
    `engine sweep resource cost ${machines} machines: ${run.upRealSeconds} s real (startup ${run.startupRealSeconds}, POST schedule ${run.postsRealSeconds}, finish ${run.finishRealSeconds}); ` +
      `state ${(run.checkpointBytes / 1024).toFixed(0)} KiB, ${run.bytesPerMachine} bytes per machine, ${run.resources} resources${r.ok ? "" : " FAILED"}`,
  );
  return run;
}

const round = (x: number, d = 2) => Math.round(x * 10 ** d) / 10 ** d;
