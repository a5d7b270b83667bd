/**
 * One prepared `node_modules` for every suite that installs the packed package in a user's
 * project (the README suites and the consumer type-check), made once per content and copied,
 * not installed again.
 *
 * What it holds is what the README's own `npm install` lines install (the packed package,
 * @pulumi/pulumi, TypeScript 6, ts-node, @types/node), plus TypeScript 5.9 under the name
 * `typescript5` for the consumer check. A README suite still runs its `npm install` lines as
 * written: they find every package already there (as in a project where they ran before), so a
 * broken line (a version that does not exist, a package that will not install) still fails, and
 * the extra `typescript5` is pruned from the copy as npm prunes what a project does not declare.
 */
import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { promisify } from "node:util";
import { packedTarball } from "../helpers/packedPackage";
import { RUNBOOK_RUN_IT } from "./documentedSteps";
import { type ReadmeRun, stepsOf, substitute, type UserShell } from "./readmeSteps";

const run = promisify(execFile);

/** TypeScript 5.9, where `esModuleInterop` is still off by default, for the consumers' classic check. */
export const TYPESCRIPT5 = "typescript5";

/** The README's install lines, with the packed tarball in place of its placeholder, comments dropped. */
function readmeInstallLines(): string[] {
  const [runIt] = stepsOf(RUNBOOK_RUN_IT);
  const script = substitute(runIt.split("\n").filter((l) => /^npm install\b/.test(l)).join("\n"), { "<pulumi-mde-forensics tarball>": packedTarball() });
  return script.split("\n").map((l) => l.replace(/\s+#.*$/, ""));
}

/** An install line as it is prepared: its trailing comment dropped. */
const uncommented = (line: string) => line.replace(/\s+#.*$/, "");

/**
 * The prepared folder (its `node_modules` is the thing to copy); made on first use for this
 * content. `also`: install lines a later README step adds to the project (Azurite, say), prepared
 * on top of a copy of the shared folder, in a folder of their own.
 */
export async function preparedNodeModules(env: NodeJS.ProcessEnv = process.env, also: readonly string[] = []): Promise<string> {
  const base = [...readmeInstallLines(), `npm install -D ${TYPESCRIPT5}@npm:typescript@5.9.3`];
  const lines = [...base, ...also.map(uncommented)];
  const dir = path.join(os.tmpdir(), `pmf-prepared-${createHash("sha256").update(lines.join("\n")).digest("hex").slice(0, 16)}`);
  const ready = () => fs.existsSync(path.join(dir, "node_modules", TYPESCRIPT5));
  if (ready()) return dir;
  // One jest worker prepares; another that needs it meanwhile waits for it rather than installing
  // the same packages beside it. A lock left by a killed run is taken over after ten minutes.
  const lock = `${dir}.lock`;
  for (;;) {
    try {
      fs.mkdirSync(lock);
      break;
    } catch {
      const held = fs.statSync(lock, { throwIfNoEntry: false });
      if (held && Date.now() - held.mtimeMs > 600_000) fs.rmSync(lock, { recursive: true, force: true });
      await new Promise((r) => setTimeout(r, 1000));
      if (ready()) return dir;
    }
  }
  try {
    if (!ready()) await (also.length > 0 ? prepare(also.map(uncommented), dir, env, await preparedNodeModules(env)) : prepare(base, dir, env));
  } finally {
    fs.rmSync(lock, { recursive: true, force: true });
  }
  return dir;
}

/** Runs the install lines in a folder aside (new, or a copy of `from`), then renames it into place. */
async function prepare(lines: string[], dir: string, env: NodeJS.ProcessEnv, from?: string): Promise<void> {
  const staging = fs.mkdtempSync(path.join(os.tmpdir(), "pmf-preparing-"));
  try {
    const options = { cwd: staging, env, maxBuffer: 64 * 1024 * 1024 };
    if (from) {
      fs.copyFileSync(path.join(from, "package.json"), path.join(staging, "package.json"));
      for (const line of copyNodeModulesLines(from)) await run("bash", ["--norc", "-c", line], options);
    } else await run("npm", ["init", "-y"], options);
    for (const line of lines) await run("bash", ["--norc", "-c", `${line} --no-audit --no-fund --loglevel=error`], options);
    fs.rmSync(dir, { recursive: true, force: true }); // a half-made folder of a killed run
    fs.renameSync(staging, dir);
  } finally {
    fs.rmSync(staging, { recursive: true, force: true });
  }
}

/**
 * Hard links (seconds, not an install), in place of the project's `node_modules` if it has one;
 * npm's record of the install is copied so npm can rewrite it in the copy.
 */
export function copyNodeModulesLines(prepared: string): string[] {
  const from = path.join(prepared, "node_modules");
  return ["rm -rf node_modules", `cp -al ${from} node_modules`, `cp --remove-destination ${from}/.package-lock.json node_modules/.package-lock.json`];
}

/**
 * Runs README lines that create a project and install into it, with the prepared `node_modules`
 * copied into the project just before its first `npm install` line; every line runs as written.
 * `also`: README lines that install into a project the shared folder already made (its first
 * `npm install` line is then one of them), prepared on top of it.
 */
export async function runWithPreparedInstall(user: UserShell, script: string, options: { stdin?: string; also?: readonly string[] } = {}): Promise<ReadmeRun> {
  const lines = script.split("\n");
  const at = lines.findIndex((l) => /^npm install\b/.test(l));
  if (at < 0) throw new Error("these README lines install nothing: no `npm install` line to prepare for");
  const prepared = await preparedNodeModules({ ...process.env, ...user.env() }, options.also);
  return user.run([...lines.slice(0, at), ...copyNodeModulesLines(prepared), ...lines.slice(at)].join("\n"), options);
}
