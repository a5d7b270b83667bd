/**
 * `npm run bench`: the fleet-sweep benchmark (a benchmark, not a test; see bench/README.md).
 *
 * Every run gets a fresh emulator with quotas at MDE's defaults, scaled in time with its clock;
 * the provider follows through `mde:rateLimits.timeScale`. Results: bench/results/<timestamp>.json,
 * latest.json, latest.md and latest.svg.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { parseArgs } from "node:util";
import { ensureTls } from "../emulator/server/certs";
import { caBundleWith } from "../scripts/lib/caBundle";
import { REPO_ROOT } from "../scripts/lib/stackRunner";
import { runEngineSuite, type EngineResults } from "./engine";
import { runSweepEngineSuite, type SweepEngineResults } from "./engineSweep";
import type { RunMetrics } from "./metrics";
import { mdeAutomatorPolicy } from "./policies/mdeAutomator";
import { oursPolicy } from "./policies/ours";
import { sweepPolicy } from "./policies/sweep";
import type { Policy } from "./policies/types";
import { xsoarPolicy } from "./policies/xsoar";
import { runQuotaShareCase } from "./quotaShare";
import { writeResults } from "./report";
import { runOne } from "./run";

const SEED = "bench-v1";

const USAGE = `npm run bench -- [options]

  --only <cases>        e.g. sweep:10000:collect,xsoar:100:packages (policies: sweep, ours, ours-unbatched, xsoar, mdeautomator)
  --scale <n>           one time scale for every run instead of each case's own
  --no-engine           skip the \`pulumi up\` runs
  --engine-only         only the \`pulumi up\` runs
  --sweep-only          the one-resource sweep's runs (in-process and \`pulumi up\`) beside the component design's
                        essentials only (ours in-process at 1000; \`pulumi up\` of 100 machines and the engine cost at 1000)
  --quota-share-only    only the quota-sharing case: 4 runners x 250 machines, uncoordinated and through the ledger
  --quota-share <n>     machines per runner in that case (default 250)
  --engine-1000 <scale>  also run 1000 machines through \`pulumi up\`, waiting, at this time scale (1: real speed, ~12 min)
  --out <dir>           where results go (default bench/results)
  --render <json>       only write the Markdown and the chart again from a results JSON
`;

interface Case {
  policy: Policy;
  machines: number;
  packages: boolean;
  /** Instead of planRun's: a run whose emulator work outgrows what a fast clock leaves it. */
  timeScale?: number;
}

/**
 * 10,000 machines: the in-process emulator's list calls cost about 0.1 s of CPU each at 10,000
 * actions, and every real second counts `timeScale` emulated ones; at 50 the 6.2-hour POST
 * schedule takes 7.4 real minutes and leaves the emulator's work room.
 */
const SCALE_10000 = 50;

const POLICIES: Record<string, Policy> = {
  ours: oursPolicy(),
  "ours-unbatched": oursPolicy({ batchedPreCheck: false }),
  sweep: sweepPolicy,
  xsoar: xsoarPolicy,
  mdeautomator: mdeAutomatorPolicy,
};

/**
 * The matrix: every policy at 10, 100 and 1000 machines waiting for collections; packages kept
 * at 10 and 100; the one-resource sweep at 100, 1000 and 10,000.
 */
export function defaultCases(): Case[] {
  const cases: Case[] = [];
  for (const machines of [100, 1000, 10_000]) cases.push({ policy: POLICIES.sweep, machines, packages: false, ...(machines === 10_000 ? { timeScale: SCALE_10000 } : {}) });
  for (const machines of [10, 100, 1000]) {
    for (const id of ["ours", "xsoar", "mdeautomator"]) cases.push({ policy: POLICIES[id], machines, packages: false });
  }
  cases.push({ policy: POLICIES["ours-unbatched"], machines: 1000, packages: false });
  for (const machines of [10, 100]) {
    for (const id of ["ours", "xsoar", "mdeautomator"]) cases.push({ policy: POLICIES[id], machines, packages: true });
  }
  return cases;
}

function parseOnly(spec: string): Case[] {
  return spec.split(",").map((item) => {
    const [id, n, mode] = item.split(":");
    if (!POLICIES[id]) throw new Error(`unknown policy '${id}' (known: ${Object.keys(POLICIES).join(", ")})`);
    return { policy: POLICIES[id], machines: Number(n), packages: mode === "packages" };
  });
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      scale: { type: "string" },
      only: { type: "string" },
      "no-engine": { type: "boolean", default: false },
      "engine-only": { type: "boolean", default: false },
      "sweep-only": { type: "boolean", default: false },
      "quota-share-only": { type: "boolean", default: false },
      "quota-share": { type: "string" },
      "engine-1000": { type: "string" },
      help: { type: "boolean", default: false },
      render: { type: "string" },
      out: { type: "string", default: path.join(REPO_ROOT, "bench", "results") },
    },
  });
  // Ignored by git (.gitignore: bench/results/tmp/).
  if (values.help) {
    process.stdout.write(USAGE);
    return;
  }
  if (values.render) {
    const results = JSON.parse(fs.readFileSync(values.render, "utf8"));
    log(`rendered again: ${writeResults(values.out!, results).join(", ")}`);
    return;
  }
  const workDir = path.join(REPO_ROOT, "bench", "results", "tmp");
  const tlsDir = path.join(workDir, "tls");
  if (!process.env.PMF_BENCH_CHILD) return respawnTrusting(tlsDir, workDir);

  const forcedScale = values.scale ? Number(values.scale) : undefined;
  const sweepOnly = values["sweep-only"];
  const shareOnly = values["quota-share-only"];
  const cases = values["engine-only"] || shareOnly ? [] : values.only ? parseOnly(values.only) : defaultCases().filter((c) => !sweepOnly || c.policy.id === "sweep" || (c.policy.id === "ours" && c.machines === 1000 && !c.packages));
  const started = Date.now();
  const runs: RunMetrics[] = [];
  for (const c of cases) {
    const t = Date.now();
    const m = await runOne({ ...c, timeScale: forcedScale ?? c.timeScale, seed: SEED, tlsDir, workDir });
    runs.push(m);
    log(
      `${c.policy.id.padEnd(15)} ${String(c.machines).padStart(5)} ${m.mode.padEnd(8)} ×${String(m.timeScale).padEnd(4)} wall ${m.wallMin.toFixed(2)} min (bound ${m.boundMin.toFixed(2)}, ×${m.ratio.toFixed(3)}) ` +
        `ok ${m.collected}/${c.machines} 429s ${m.tooManyRequests} dupPOST ${m.duplicatePosts}` +
        (m.packages ? ` pkgs ${m.packages.kept} links ${m.packages.linksIssued} wasted ${m.packages.wastedLinks} retrieval ×${m.packages.ratio}` : "") +
        (m.stopped ? ` STOPPED at ${m.deadlineMin} min (${m.unfinished} unfinished)` : "") +
        (m.memory ? ` peak RSS ${m.memory.peakRssMiB} MiB (heap ${m.memory.peakHeapMiB})` : "") +
        ` [${((Date.now() - t) / 1000).toFixed(1)} s]`,
    );
  }
  let engine: EngineResults | undefined;
  let sweepEngine: SweepEngineResults | undefined;
  const quotaShare = values.only || values["engine-only"] ? undefined : await runQuotaShareCase({ tlsDir, seed: SEED, log, machinesPerRunner: values["quota-share"] ? Number(values["quota-share"]) : undefined, timeScale: forcedScale });
  if (!values["no-engine"] && !values.only && !shareOnly) {
    sweepEngine = await runSweepEngineSuite({ tlsDir, workDir, seed: SEED, log });
    const fleet1000Scale = values["engine-1000"] === undefined ? undefined : Number(values["engine-1000"]);
    engine = await runEngineSuite({ tlsDir, workDir, seed: SEED, log, fleet1000Scale, ...(sweepOnly ? { collectionSizes: [100], costSizes: [1000] } : {}) });
  }
  const environment = { node: process.versions.node, cpus: os.cpus().length, platform: `${os.platform()} ${os.arch()}` };
  const files = writeResults(values.out!, { startedAt: new Date(started).toISOString(), seed: SEED, realSeconds: (Date.now() - started) / 1000, runs, engine, sweepEngine, quotaShare, environment });
  log(`results: ${files.join(", ")} (${((Date.now() - started) / 1000).toFixed(0)} s)`);
}

/**
 * The provider's client and @azure/identity trust the emulator's CA only through
 * NODE_EXTRA_CA_CERTS, which Node reads at start: create the CA once, then run again with it.
 */
function respawnTrusting(tlsDir: string, workDir: string): void {
  fs.mkdirSync(tlsDir, { recursive: true });
  const tls = ensureTls(tlsDir);
  const bundle = caBundleWith(tls.caFile, workDir);
  const r = spawnSync(process.execPath, process.argv.slice(1), {
    stdio: "inherit",
    env: { ...process.env, PMF_BENCH_CHILD: "1", NODE_EXTRA_CA_CERTS: bundle },
  });
  process.exitCode = r.status ?? 1;
}

function log(line: string): void {
  process.stdout.write(`[bench] ${line}\n`);
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? (err.stack ?? err.message) : String(err));
  process.exitCode = 1;
});
