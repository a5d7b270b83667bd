import { execFileSync, spawn } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type { StackConfigValue } from "../../scripts/lib/stackRunner";

export const REPO_ROOT = path.resolve(__dirname, "..", "..");
const STACK_CLI = path.join(REPO_ROOT, "dist", "scripts", "stack.js");

export interface StackCliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** The JSON line the runner prints on success. */
  result?: any;
  stdout: string;
  stderr: string;
}

/**
 * One Pulumi project and stack driven through the real CLI, each operation in its own process
 * (as a person running `pulumi up` would), on a private file:// backend.
 */
export class StackCli {
  readonly stateDir: string;
  private readonly configFile: string;

  constructor(
    readonly projectDir: string,
    readonly stackName: string,
    private readonly env: Record<string, string> = {},
  ) {
    if (!fs.existsSync(STACK_CLI)) throw new Error(`${STACK_CLI} is missing: run \`npm run build\` before the tests`);
    this.stateDir = fs.mkdtempSync(path.join(os.tmpdir(), "pmf-state-"));
    this.configFile = path.join(this.stateDir, "config.json");
  }

  setConfig(config: Record<string, StackConfigValue>): void {
    fs.writeFileSync(this.configFile, JSON.stringify(config));
  }

  /** Starts an operation; `child` lets a test kill it midway. */
  start(operation: string, extraEnv: Record<string, string> = {}) {
    const args = [STACK_CLI, operation, "--project", this.projectDir, "--stack", this.stackName];
    if (fs.existsSync(this.configFile)) args.push("--config-file", this.configFile);
    const child = spawn(process.execPath, args, {
      cwd: REPO_ROOT,
      env: {
        ...process.env,
        PULUMI_BACKEND_URL: `file://${this.stateDir}`,
        PULUMI_CONFIG_PASSPHRASE: "test-passphrase",
        ...this.env,
        ...extraEnv,
      },
      stdio: ["ignore", "pipe", "pipe"],
      // Its own process group, so a test can kill the CLI and the provider host with it.
      detached: true,
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    const done = new Promise<StackCliResult>((resolve) => {
      child.on("close", (code, signal) => {
        const last = stdout.trim().split("\n").pop();
        let result: unknown;
        try {
          result = last ? JSON.parse(last) : undefined;
        } catch {
          result = undefined;
        }
        resolve({ code, signal, result, stdout, stderr });
      });
    });
    /**
     * Kills the whole run at once, as a crashed CI runner would: the process group and every
     * descendant. Pulumi starts provider plugins in process groups of their own, so a group kill
     * alone leaves the provider running (and polling MDE) behind a dead engine.
     */
    const killAll = () => {
      if (!child.pid) return;
      const tree = descendantsOf(child.pid);
      process.kill(-child.pid, "SIGKILL");
      for (const pid of tree) {
        try {
          process.kill(pid, "SIGKILL");
        } catch {
          // already gone with the group
        }
      }
    };
    return { child, done, killAll };
  }

  run(operation: string, extraEnv: Record<string, string> = {}): Promise<StackCliResult> {
    return this.start(operation, extraEnv).done;
  }

  /** Runs an operation that must succeed, and returns its JSON result. */
  async ok(operation: string, extraEnv: Record<string, string> = {}): Promise<any> {
    const r = await this.run(operation, extraEnv);
    if (r.code !== 0) throw new Error(`${operation} failed (exit ${r.code}):\n${r.stderr.slice(-4000)}`);
    return r.result;
  }

  /** The checkpoint's resources (`pulumi stack export`). */
  async resources(): Promise<any[]> {
    const r = await this.ok("export");
    return r.deployment.deployment.resources ?? [];
  }

  dispose(): void {
    fs.rmSync(this.stateDir, { recursive: true, force: true });
  }
}

/** Every process below `root`, read from `ps` (before a kill orphans them to init). */
function descendantsOf(root: number): number[] {
  const children = new Map<number, number[]>();
  for (const line of execFileSync("ps", ["-A", "-o", "pid=,ppid="], { encoding: "utf8" }).split("\n")) {
    const [pid, ppid] = line.trim().split(/\s+/).map(Number);
    if (pid && ppid) children.set(ppid, [...(children.get(ppid) ?? []), pid]);
  }
  const out: number[] = [];
  const walk = (pid: number) => (children.get(pid) ?? []).forEach((c) => (out.push(c), walk(c)));
  walk(root);
  return out;
}
