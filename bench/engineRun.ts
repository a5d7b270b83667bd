/**
 * One `pulumi up` of a sweep project through the real CLI and engine against a fresh emulator
 * and backend (both thrown away after), measured from the emulator's side like the in-process
 * runs. Shared by the component design's runs (engine.ts) and the one-resource sweep's
 * (engineSweep.ts).
 */
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { startEmulator } from "../emulator";
import { emulatorStackConfig } from "../scripts/lib/emulatorConfig";
import { REPO_ROOT } from "../scripts/lib/stackRunner";
import { caBundleWith } from "../scripts/lib/caBundle";
import type { EngineChildSpec } from "./engineChild";
import { fleetScenario } from "./run";
import { Timeline } from "./timeline";

export interface EngineSuiteOptions {
  tlsDir: string;
  workDir: string;
  seed: string;
  log: (line: string) => void;
}

export interface TenantRun {
  ok: boolean;
  realMs: number;
  /** When `pulumi up` itself started, on the run's timeline (emulated ms). */
  upStartMs?: number;
  counts: Record<string, number> | null;
  timeline: Timeline["entries"];
  checkpointBytes: number;
  resources: number;
  /** The run's last lines of stderr when it failed. */
  stderrTail?: string;
}

export interface TenantRunOptions {
  /** The Pulumi project: examples/sweep (one resource) or the component baseline. */
  projectDir: string;
  waitForCompletion: boolean;
  /** `--parallel`; null for the CLI's default. */
  parallel: number | null;
  env?: Record<string, string>;
}

/** A fresh emulator and backend, one `pulumi up` of the sweep, then both thrown away. */
export async function withTenant(o: EngineSuiteOptions, machines: number, timeScale: number, name: string, options: TenantRunOptions): Promise<TenantRun> {
  let timeline: Timeline | undefined;
  const emulator = await startEmulator({ timeScale, seed: o.seed, scenario: fleetScenario(machines), tlsDir: o.tlsDir, logger: (l) => timeline?.log(l) });
  timeline = new Timeline(() => emulator.clock.now());
  const dir = path.join(o.workDir, `engine-${name}`);
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  try {
    const spec: EngineChildSpec = {
      projectDir: options.projectDir,
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
        // A stack output of the machine map would store it a second time, beside the sweep's own.
        "mde-sweep:exportMachines": { value: "false" },
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
      stderrTail: child.code === 0 ? undefined : child.stderr.slice(-1500),
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
    child.stderr.on("data", (d) => (stderr = (stderr + d).slice(-200_000)));
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
