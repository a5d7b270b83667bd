/**
 * What a Pulumi.yaml says about where its program runs. Free of @pulumi/pulumi, so a runner for
 * a user's project (scripts/projectStack.ts) can use it without loading a second copy of it.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { parse } from "yaml";

/**
 * The folder the official CLI runs a project's program and provider host in (Pulumi's
 * pkg/engine/project.go, getPwdMain): `main` must be a relative path to an existing file or
 * folder inside the project; a folder is used as it is, a file's folder otherwise. No `main`:
 * the project folder.
 */
export function programDirOf(projectDir: string): string {
  const root = path.resolve(projectDir);
  const main = readProject(root).main;
  if (main === undefined) return root;
  if (typeof main !== "string" || path.isAbsolute(main)) throw new Error(`${root}/Pulumi.yaml: project 'main' must be a relative path`);
  const target = path.join(root, main);
  if (!`${target}${path.sep}`.startsWith(`${root}${path.sep}`)) throw new Error(`${root}/Pulumi.yaml: project 'main' must be a subfolder`);
  if (!fs.existsSync(target)) throw new Error(`${root}/Pulumi.yaml: project 'main' ${main} does not exist (run \`npm run build\` first?)`);
  return fs.statSync(target).isDirectory() ? target : path.dirname(target);
}

export function readProject(projectDir: string): { name?: unknown; main?: unknown } {
  return (parse(fs.readFileSync(path.join(projectDir, "Pulumi.yaml"), "utf8")) ?? {}) as { name?: unknown; main?: unknown };
}
