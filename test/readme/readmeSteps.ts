/**
 * README steps as a user runs them: the fenced bash blocks of a README section, in order, in one
 * bash in a fresh folder outside the repo, with a fresh HOME, against an emulated tenant.
 *
 * What is substituted, and nothing else: placeholders in angle brackets (`<tenant id>`, `<this
 * repo>`, the packed tarball) and the tenant's endpoint, which a real tenant takes from the
 * defaults and the emulator takes from the environment docs/configuration.md lists
 * (MDE_API_URL, AZURE_AUTHORITY_HOST, MDE_RATE_LIMITS, NODE_EXTRA_CA_CERTS). Prompts are answered
 * as on a terminal: the passphrase through PULUMI_CONFIG_PASSPHRASE, the secret on stdin.
 *
 * `pulumi` on PATH is a shim (the decision, see ARCHITECTURE.md "Building and testing"): commands that run no
 * program (login, stack, config, ...) go to the real CLI unchanged; `preview`, `up`, `refresh`
 * and `destroy` go to dist/scripts/projectStack.js, which runs the folder's project as the CLI
 * does (its Pulumi.yaml, stack file, login, `main`, ts-node) and serves the program to the real
 * CLI, because Pulumi's Node.js language host cannot be built here.
 */
import { spawn, execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type { EmulatedTenant } from "../helpers/e2e";
import { REPO_ROOT } from "../helpers/stackCli";
import type { DocumentedSection } from "./documentedSteps";

/** Markdown headings outside code fences (a `# comment` in a bash block is not one), 0-based line numbers. */
export function headings(lines: readonly string[]): { at: number; level: number; text: string }[] {
  let fenced = false;
  return lines.flatMap((line, at) => {
    if (/^```/.test(line)) fenced = !fenced;
    const m = !fenced && line.match(/^(#+) /);
    return m ? [{ at, level: m[1].length, text: line.trim() }] : [];
  });
}

/**
 * The ```bash blocks under a heading (up to the next heading of the same or a higher level).
 * Fails loudly when the heading is gone or holds no bash block: a test that extracted nothing
 * would pass while running none of the steps it claims to run.
 */
export function bashBlocks(readmeFile: string, heading: string): string[] {
  const lines = fs.readFileSync(readmeFile, "utf8").split("\n");
  const all = headings(lines);
  const i = all.findIndex((h) => h.text === heading);
  if (i < 0) throw new Error(`${readmeFile} has no heading "${heading}" (its headings: ${all.map((h) => h.text).join(" | ")})`);
  const next = all.slice(i + 1).find((h) => h.level <= all[i].level);
  const section = lines.slice(all[i].at + 1, next?.at).join("\n");
  const blocks = [...section.matchAll(/^```bash\n([\s\S]*?)^```/gm)].map((m) => m[1]);
  if (blocks.length === 0) throw new Error(`${readmeFile} "${heading}" has no \`\`\`bash block: nothing to run`);
  return blocks;
}

/** The bash blocks of a documented section (./documentedSteps.ts), read from the repository. */
export function stepsOf(section: DocumentedSection): string[] {
  return bashBlocks(path.join(REPO_ROOT, section.file), section.heading);
}

/** Replaces every `<placeholder>`; a placeholder left over fails the test before anything runs. */
export function substitute(script: string, values: Record<string, string>): string {
  let out = script;
  for (const [placeholder, value] of Object.entries(values)) out = out.split(placeholder).join(value);
  const left = out.match(/<[a-z][a-z -]*>/);
  if (left) throw new Error(`README placeholder ${left[0]} has no test value`);
  return out;
}

const REAL_PULUMI = (): string => execFileSync("bash", ["-c", "command -v pulumi"], { encoding: "utf8" }).trim();

export interface ReadmeRun {
  code: number | null;
  output: string;
}

/**
 * A user's machine: fresh HOME and PULUMI_HOME, the shim first on PATH, the tenant's endpoint.
 * Without a tenant, a machine that knows of none (its steps start their own emulator): no MDE_*
 * or AZURE_* variable, and NODE_EXTRA_CA_CERTS only as this machine has it (a proxy's CA, say).
 */
export class UserShell {
  readonly home: string;
  readonly work: string;
  private readonly bin: string;

  constructor(private readonly tenant?: EmulatedTenant) {
    this.home = fs.mkdtempSync(path.join(os.tmpdir(), "pmf-user-"));
    this.work = path.join(this.home, "work");
    this.bin = path.join(this.home, "shim-bin");
    fs.mkdirSync(this.work);
    fs.mkdirSync(this.bin);
    const real = REAL_PULUMI();
    const runner = path.join(REPO_ROOT, "dist", "scripts", "projectStack.js");
    fs.writeFileSync(
      path.join(this.bin, "pulumi"),
      [
        "#!/usr/bin/env bash",
        "# The README tests' pulumi: program-running commands through the project runner, the rest to the real CLI.",
        // The Automation API (the repo's own scripts, e.g. the exercise checker) calls the real CLI
        // with --client itself.
        `for a in "$@"; do case "$a" in --client*) exec "${real}" "$@" ;; esac; done`,
        'case "$1" in',
        `  preview|up|update|refresh|destroy) op="$1"; shift; [ "$op" = update ] && op=up; PATH="${path.dirname(real)}:$PATH" exec "${process.execPath}" "${runner}" "$op" "$@" ;;`,
        `  *) exec "${real}" "$@" ;;`,
        "esac",
        "",
      ].join("\n"),
      { mode: 0o755 },
    );
  }

  env(): Record<string, string> {
    const own = process.env.NODE_EXTRA_CA_CERTS;
    return {
      HOME: this.home,
      PATH: [this.bin, path.dirname(process.execPath), "/usr/local/bin", "/usr/bin", "/bin"].join(":"),
      // The user's npm cache stays warm: installs come from the registry either way.
      npm_config_cache: process.env.npm_config_cache ?? path.join(os.homedir(), ".npm"),
      PULUMI_CONFIG_PASSPHRASE: "readme-test",
      PULUMI_SKIP_UPDATE_CHECK: "true",
      PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
      PULUMI_HOME: path.join(this.home, ".pulumi"),
      ...(this.tenant
        ? {
            MDE_API_URL: this.tenant.emulator.apiUrl,
            AZURE_AUTHORITY_HOST: this.tenant.emulator.authorityHost,
            MDE_RATE_LIMITS: JSON.stringify({ timeScale: this.tenant.timeScale }),
            NODE_EXTRA_CA_CERTS: this.tenant.env.NODE_EXTRA_CA_CERTS,
          }
        : own
          ? { NODE_EXTRA_CA_CERTS: own }
          : {}),
    };
  }

  /** Runs README lines in `cwd` (default: the work folder); `stdin` answers prompts. */
  run(script: string, options: { cwd?: string; stdin?: string } = {}): Promise<ReadmeRun> {
    const child = spawn("bash", ["--norc", "-c", `set -e -o pipefail -x\n${script}`], {
      cwd: options.cwd ?? this.work,
      env: this.env(),
      stdio: ["pipe", "pipe", "pipe"],
    });
    let output = "";
    child.stdout.on("data", (d) => (output += d));
    child.stderr.on("data", (d) => (output += d));
    child.stdin.end(options.stdin ?? "");
    return new Promise((resolve) => child.on("close", (code) => resolve({ code, output })));
  }

  /** A read-only CLI command's JSON stdout (e.g. `pulumi stack output --json`), as the user would read it. */
  async json(command: string, cwd: string): Promise<any> {
    const child = spawn("bash", ["--norc", "-c", command], { cwd, env: this.env(), stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    const code = await new Promise((resolve) => child.on("close", resolve));
    if (code !== 0) throw new Error(`${command} failed (exit ${code}):\n${stderr.slice(-2000)}`);
    return JSON.parse(stdout);
  }

  dispose(): void {
    fs.rmSync(this.home, { recursive: true, force: true });
  }
}
