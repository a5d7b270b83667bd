/**
 * The same sweeps through the real Pulumi CLI and engine (examples/sweep, `pulumi up`), and
 * what the engine itself costs per resource.
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
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { startEmulator } from "../emulator";
import { emulatorStackConfig } from "../scripts/lib/emulatorConfig";
import { REPO_ROOT } from "../scripts/lib/stackRunner";
import { caBundleWith } from "../scripts/lib/caBundle";
import { runBoundMs } from "./bounds";
import type { EngineChildSpec } from "./engineChild";
import { acceptedPosts, duplicatePosts, MINUTE } from "./metrics";
import { fleetScenario, ONLINE_DEVICE_MS, planRun } from "./run";
import { ok, Timeline } from "./timeline";

export const SWEEP_PROJECT = path.join(REPO_ROOT, "examples", "sweep");
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

interface SuiteOptions {
  tlsDir: string;
  workDir: string;
  seed: string;
  log: (line: string) => void;
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
  const r = await withTenant(o, machines, timeScale, `c${machines}p${parallel ?? "d"}`, { waitForCompletion: true, parallel });
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

interface TenantRun {
  ok: boolean;
  realMs: number;
  /** When `pulumi up` itself started, on the run's timeline (emulated ms). */
  upStartMs?: number;
  counts: Record<string, number> | null;
  timeline: Timeline["entries"];
  checkpointBytes: number;
  resources: number;
}

/** A fresh emulator and backend, one `pulumi up` of the sweep, then both thrown away. */
async function withTenant(
  o: SuiteOptions,
  machines: number,
  timeScale: number,
  name: string,
  options: { waitForCompletion: boolean; parallel: number | null; env?: Record<string, string> },
): Promise<TenantRun> {
  let timeline: Timeline | undefined;
  const emulator = await startEmulator({ timeScale, seed: o.seed, scenario: fleetScenario(machines), tlsDir: o.tlsDir, logger: (l) => timeline?.log(l) });
  timeline = new Timeline(() => emulator.clock.now());
  const dir = path.join(o.workDir, `engine-${name}`);
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  try {
    const spec: EngineChildSpec = {
      projectDir: SWEEP_PROJECT,
      stackName: `bench-${name}`,
      backendDir: path.join(dir, "state"),
      operation: "up",
      parallel: options.parallel ?? undefined,
      env: { NODE_EXTRA_CA_CERTS: caBundleWith(emulator.caFile, dir), PULUMI_CONFIG_PASSPHRASE: "bench", ...options.env },
      config: {
        ...emulatorStackConfig(emulator, timeScale),
        "mde-sweep:name": { value: "bench" },
        "mde-sweep:select": { value: JSON.stringify({ tag: "fleet" }) },
        "mde-sweep:comment": { value: `BENCH-${machines}: engine run` },
        "mde-sweep:waitForCompletion": { value: String(options.waitForCompletion) },
        "mde-sweep:maxMachines": { value: String(machines) },
      },
    };
    timeline.start();
    const child = await runChild(spec);
    const stateFile = findStateFile(path.join(dir, "state"));
    const state = stateFile ? JSON.parse(fs.readFileSync(stateFile, "utf8")) : undefined;
    const result = child.result as { startedAtMs?: number; realMs?: number; counts?: Record<string, number> | null } | undefined;
    return {
      ok: child.code === 0,
      realMs: result?.realMs ?? child.realMs,
      upStartMs: result?.startedAtMs !== undefined ? (result.startedAtMs - timeline.startedAtRealMs) * timeScale : undefined,
      counts: result?.counts ?? null,
      timeline: timeline.entries,
      checkpointBytes: stateFile ? fs.statSync(stateFile).size : 0,
      resources: state?.checkpoint?.latest?.resources?.length ?? 0,
    };
  } finally {
    await emulator.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

function runChild(spec: EngineChildSpec): Promise<{ code: number | null; realMs: number; result?: unknown; stderr: string }> {
  const started = Date.now();
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [path.join(REPO_ROOT, "dist", "bench", "engineChild.js"), JSON.stringify(spec)], {
      cwd: REPO_ROOT,
      env: { ...process.env, ...spec.env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    child.on("close", (code) => {
      let result: unknown;
      try {
        result = JSON.parse(stdout.trim().split("\n").pop() ?? "");
      } catch {
        result = undefined;
      }
      if (code !== 0) process.stderr.write(`[bench] engine run failed (exit ${code}):\n${stderr.slice(-3000)}\n`);
      resolve({ code, realMs: Date.now() - started, result, stderr });
    });
  });
}

/** The diy backend keeps a stack's checkpoint at .pulumi/stacks/<project>/<stack>.json. */
function findStateFile(backendDir: string): string | undefined {
  const stacks = path.join(backendDir, ".pulumi", "stacks");
  if (!fs.existsSync(stacks)) return undefined;
  const files = fs.readdirSync(stacks, { recursive: true, withFileTypes: true }).filter((e) => e.isFile() && e.name.endsWith(".json"));
  const f = files[0];
  return f ? path.join(f.parentPath, f.name) : undefined;
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
