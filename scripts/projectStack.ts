/**
 * `pulumi <preview|up|refresh|destroy>` for a user's Pulumi project folder, run as the official
 * CLI runs it, for the README tests (test/readme/): the project's own Pulumi.yaml, stack files,
 * `pulumi login` and `node_modules`, the program and provider host in `main`'s folder, and
 * TypeScript through the project's ts-node and typescript as Pulumi's Node.js language host
 * loads them (@pulumi/pulumi cmd/run). Only the language host differs: it cannot be built here
 * (scripts/build-pulumi-cli.sh), so the project's own @pulumi/pulumi Automation API serves the
 * program to the real CLI (`--client`).
 *
 *   cd <project> && node <repo>/dist/scripts/projectStack.js up [--stack <name>] [--parallel n] [--continue-on-error]
 *
 * The `pulumi` first on PATH must be the real CLI.
 */
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import { createRequire } from "node:module";
import * as path from "node:path";
import { parseArgs } from "node:util";
import type * as automation from "@pulumi/pulumi/automation";
import { parse } from "yaml";
import { programDirOf } from "./lib/projectFile";

const OPERATIONS = ["preview", "up", "refresh", "destroy"] as const;
type Operation = (typeof OPERATIONS)[number];

interface Project {
  name: string;
  main?: string;
  runtime: string | { name: string; options?: { typescript?: boolean } };
}

/**
 * The program file the language host runs: `main` when it names a file, else package.json's, else
 * the folder. A package.json `main` that does not exist (`npm init -y` writes index.js) earns the
 * language host's warning on every run (@pulumi/pulumi cmd/run resolveEntrypoint), here too.
 */
function entryPoint(projectDir: string, project: Project, programDir: string, warn: (line: string) => void): string {
  if (project.main && fs.existsSync(path.join(projectDir, project.main)) && fs.statSync(path.join(projectDir, project.main)).isFile()) {
    return path.join(projectDir, project.main);
  }
  const manifest = path.join(programDir, "package.json");
  const main = fs.existsSync(manifest) ? (JSON.parse(fs.readFileSync(manifest, "utf8")).main as string | undefined) : undefined;
  if (main && !fs.existsSync(path.join(programDir, main))) warn(`Could not find entry point '${main}' specified in package.json; using '${programDir}' instead`);
  return main && fs.existsSync(path.join(programDir, main)) ? path.join(programDir, main) : programDir;
}

/** ts-node and typescript from the project, registered with the options Pulumi's language host uses. */
function registerTypeScript(projectRequire: NodeJS.Require, programDir: string): void {
  const pulumiDir = path.dirname(projectRequire.resolve("@pulumi/pulumi/package.json"));
  const fromPulumi = createRequire(path.join(pulumiDir, "index.js"));
  const tsconfig = path.join(programDir, "tsconfig.json");
  const transpileOnly = process.env.PULUMI_NODEJS_TRANSPILE_ONLY ? process.env.PULUMI_NODEJS_TRANSPILE_ONLY === "true" : undefined;
  const ts = fromPulumi("typescript") as { version: string };
  const [major, minor] = ts.version.split(".").map(Number);
  const nodeNext = major > 4 || (major === 4 && minor >= 7);
  fromPulumi("ts-node").register({
    compiler: fromPulumi.resolve("typescript"),
    transpileOnly,
    project: tsconfig,
    skipProject: !fs.existsSync(tsconfig),
    compilerOptions: { target: "ES2020", module: nodeNext ? "nodenext" : "commonjs", moduleResolution: nodeNext ? "nodenext" : "node", sourceMap: "true" },
  });
}

function program(projectDir: string, project: Project, programDir: string, projectRequire: NodeJS.Require) {
  return async () => {
    process.chdir(programDir);
    const runtime = typeof project.runtime === "string" ? { name: project.runtime } : project.runtime;
    if (runtime.options?.typescript !== false) registerTypeScript(projectRequire, programDir);
    const pulumi = projectRequire("@pulumi/pulumi") as { log: { warn(line: string): Promise<void> } };
    const mod = projectRequire(entryPoint(projectDir, project, programDir, (line) => void pulumi.log.warn(line)));
    const exported = typeof mod.default === "function" ? await mod.default() : mod;
    return Object.fromEntries(Object.entries(exported ?? {}).filter(([k]) => k !== "default" && k !== "__esModule"));
  };
}

async function main(): Promise<void> {
  const { positionals, values } = parseArgs({
    allowPositionals: true,
    options: {
      stack: { type: "string", short: "s" },
      parallel: { type: "string", short: "p" },
      "continue-on-error": { type: "boolean" },
      yes: { type: "boolean", short: "y" },
      "skip-preview": { type: "boolean" },
      diff: { type: "boolean" },
    },
  });
  const operation = positionals[0] as Operation;
  if (!OPERATIONS.includes(operation)) throw new Error(`usage: projectStack.js <${OPERATIONS.join("|")}> [--stack <name>]`);
  const projectDir = process.cwd();
  const project = parse(fs.readFileSync(path.join(projectDir, "Pulumi.yaml"), "utf8")) as Project;
  const programDir = programDirOf(projectDir);
  const projectRequire = createRequire(path.join(programDir, "__pulumi_program__.js"));
  const auto = projectRequire("@pulumi/pulumi/automation") as typeof automation;
  const stackName = values.stack ?? execFileSync("pulumi", ["stack", "--show-name"], { cwd: projectDir, encoding: "utf8" }).trim();
  const pulumiCommand = await auto.PulumiCommand.get({ skipVersionCheck: true });
  const stack = await auto.LocalWorkspace.selectStack(
    { stackName, projectName: project.name, program: program(projectDir, project, programDir, projectRequire) },
    { workDir: projectDir, pulumiCommand },
  );
  const onOutput = (line: string) => process.stdout.write(line);
  // The CLI's stderr too (diagnostics), as a terminal shows it.
  const onError = (line: string) => process.stderr.write(line);
  const parallel = values.parallel ? Number(values.parallel) : undefined;
  const continueOnError = values["continue-on-error"];
  switch (operation) {
    case "preview":
      await stack.preview({ onOutput, onError, parallel, diff: values.diff });
      break;
    case "up":
      await stack.up({ onOutput, onError, parallel, continueOnError, diff: values.diff });
      break;
    case "refresh":
      await stack.refresh({ onOutput, onError, parallel });
      break;
    case "destroy":
      await stack.destroy({ onOutput, onError, parallel, continueOnError });
      break;
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = 1;
});
