/**
 * Runs a Pulumi project of this repo through the real Pulumi CLI and engine, on a local file://
 * backend with a passphrase secrets provider, never the Pulumi Cloud.
 *
 * The program is served by the Automation API's in-process language server (`--client`), which
 * stands where Pulumi's Node.js language host would: that host cannot be built on machines that
 * only reach package registries (scripts/build-pulumi-cli.sh says why). Everything else is the
 * real thing: the CLI, the engine, checkpoints, the dynamic-provider plugin and its host.
 *
 * Like the CLI, it honours Pulumi.yaml's `main`: the program and the provider host run in the
 * folder `main` names (its folder when it names a file), else in the project folder, so relative
 * paths (an evidence folder) resolve where they do for a user's `pulumi up`.
 */
import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { LocalWorkspace, PulumiCommand, type Stack } from "@pulumi/pulumi/automation";
import { programDirOf, readProject } from "./projectFile";

export { programDirOf };

/** The repo root, whether this file runs from its source or from dist/. */
export const REPO_ROOT = findPackageRoot(__dirname);

function findPackageRoot(start: string): string {
  for (let dir = start; ; dir = path.dirname(dir)) {
    const manifest = path.join(dir, "package.json");
    if (fs.existsSync(manifest) && JSON.parse(fs.readFileSync(manifest, "utf8")).name === "pulumi-mde-forensics") return dir;
    if (path.dirname(dir) === dir) throw new Error(`no pulumi-mde-forensics package.json above ${start}`);
  }
}

export interface StackConfigValue {
  value: string;
  secret?: boolean;
}

export interface StackRunnerOptions {
  /** Folder with Pulumi.yaml and the program's index.ts, inside this repo. */
  projectDir: string;
  stackName: string;
  /** Local state folder; defaults to PULUMI_BACKEND_URL or <repo>/.pulumi-state. */
  backendDir?: string;
  /** Extra environment for the CLI and the provider processes it starts. */
  env?: Record<string, string>;
  /** Stack config, e.g. `{ "mde:apiUrl": { value: "https://..." } }`. */
  config?: Record<string, StackConfigValue>;
}

export interface OpenedStack {
  stack: Stack;
  workDir: string;
  /** Where the program and the provider host run: what `pulumi up` in the project folder uses. */
  programDir: string;
}


/**
 * The compiled program of a project: the program runs in this process, so it must be JavaScript
 * (the provider plugin needs compiled code anyway). `main` naming a .js file is that file (the
 * root program's dist/index.js); otherwise it is the build's copy of the program folder's index.ts.
 */
export function compiledProgramPath(projectDir: string): string {
  const main = readProject(path.resolve(projectDir)).main;
  if (typeof main === "string" && main.endsWith(".js")) return path.resolve(projectDir, main);
  const rel = path.relative(REPO_ROOT, programDirOf(projectDir));
  if (rel.startsWith("..")) throw new Error(`${projectDir} is not inside ${REPO_ROOT}`);
  return path.join(REPO_ROOT, "dist", rel, "index.js");
}

/**
 * Stack settings files are written beside Pulumi.yaml; each (project, stack) gets a work folder
 * under <repo>/.pulumi-work so running a stack never writes into the sources. Its Pulumi.yaml
 * is the project's with `main` pointed through a symlink (`project` -> the project folder) at
 * the program folder, so the engine starts the provider host there, as for a user's `pulumi up`
 * in the project folder (the host's process.cwd() resolves the link).
 */
function prepareWorkDir(projectDir: string, stackName: string, backendDir: string, programDir: string): string {
  // Keyed by backend too: a stack settings file holds the salt of its backend's secrets provider,
  // and reusing it against another backend would fail with "incorrect passphrase".
  const backend = createHash("sha256").update(path.resolve(backendDir)).digest("hex").slice(0, 8);
  const name = `${path.basename(path.resolve(projectDir))}-${stackName}-${backend}`.replace(/[^A-Za-z0-9_.-]/g, "_");
  const workDir = path.join(REPO_ROOT, ".pulumi-work", name);
  fs.mkdirSync(workDir, { recursive: true });
  const link = path.join(workDir, "project");
  fs.rmSync(link, { force: true });
  fs.symlinkSync(path.resolve(projectDir), link, "dir");
  const main = path.join("project", path.relative(path.resolve(projectDir), programDir)) || "project";
  const project = fs.readFileSync(path.join(projectDir, "Pulumi.yaml"), "utf8").replace(/^main:.*\n?/m, "");
  fs.writeFileSync(path.join(workDir, "Pulumi.yaml"), `${project.trimEnd()}\nmain: ${JSON.stringify(main)}\n`);
  return workDir;
}

/**
 * The program: the compiled module's exports become the stack outputs, as with `pulumi up`. It
 * runs in the program folder, as the CLI's language host runs it; each operation has its own
 * process (scripts/stack.ts), so changing this process's folder affects nothing else.
 */
function inlineProgram(programPath: string, programDir: string): () => Promise<Record<string, unknown>> {
  return async () => {
    process.chdir(programDir);
    const mod = require(programPath);
    const exported = typeof mod.default === "function" ? await mod.default() : mod;
    const outputs: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(exported ?? {})) {
      if (key !== "default" && key !== "__esModule") outputs[key] = value;
    }
    return outputs;
  };
}

export async function openStack(options: StackRunnerOptions): Promise<OpenedStack> {
  const programPath = compiledProgramPath(options.projectDir);
  if (!fs.existsSync(programPath)) {
    throw new Error(`${programPath} is missing: run \`npm run build\` first`);
  }
  const backendDir = options.backendDir ?? process.env.PULUMI_BACKEND_URL?.replace(/^file:\/\//, "") ?? path.join(REPO_ROOT, ".pulumi-state");
  const programDir = programDirOf(options.projectDir);
  const workDir = prepareWorkDir(options.projectDir, options.stackName, backendDir, programDir);
  fs.mkdirSync(backendDir, { recursive: true });
  const envVars: Record<string, string> = {
    PULUMI_BACKEND_URL: `file://${backendDir}`,
    PULUMI_CONFIG_PASSPHRASE: process.env.PULUMI_CONFIG_PASSPHRASE ?? "",
    PULUMI_SKIP_UPDATE_CHECK: "true",
    PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
    PULUMI_HOME: process.env.PULUMI_HOME ?? path.join(REPO_ROOT, ".pulumi-home"),
    ...options.env,
  };
  // The Automation API hands envVars to the CLI; the program itself runs here and reads them too.
  Object.assign(process.env, envVars);
  const pulumiCommand = await PulumiCommand.get({ skipVersionCheck: true });
  const stack = await LocalWorkspace.createOrSelectStack(
    { stackName: options.stackName, projectName: readProjectName(options.projectDir), program: inlineProgram(programPath, programDir) },
    { workDir, envVars, pulumiCommand },
  );
  if (options.config && Object.keys(options.config).length > 0) {
    const entries = Object.entries(options.config);
    const plain = Object.fromEntries(entries.filter(([, v]) => !v.secret));
    if (Object.keys(plain).length > 0) await stack.setAllConfig(plain);
    for (const [key, { value }] of entries.filter(([, v]) => v.secret)) {
      await setSecretFromStdin(pulumiCommand.command, options.stackName, key, value, workDir, { ...process.env, ...envVars });
    }
  }
  return { stack, workDir, programDir };
}

/**
 * `pulumi config set --secret <key>` with the value on stdin: the Automation API's setConfig and
 * setAllConfig put values in the CLI's arguments, where `ps` (and any process of the machine)
 * can read them, and a signing key must never be on a command line.
 */
export function setSecretFromStdin(cli: string, stackName: string, key: string, value: string, cwd: string, env: NodeJS.ProcessEnv): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(cli, ["config", "set", "--secret", "--stack", stackName, "--non-interactive", key], { cwd, env, stdio: ["pipe", "ignore", "pipe"] });
    let stderr = "";
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    child.on("error", reject);
    child.on("close", (code) => (code === 0 ? resolve() : reject(new Error(`pulumi config set --secret ${key} failed (${code}): ${stderr.trim()}`))));
    child.stdin.end(value);
  });
}

function readProjectName(projectDir: string): string {
  const { name } = readProject(projectDir);
  if (typeof name !== "string" || !name) throw new Error(`${projectDir}/Pulumi.yaml has no name`);
  return name;
}
