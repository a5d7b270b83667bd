/**
 * Where a relative evidence path points: the Pulumi project folder, whatever Pulumi.yaml's
 * `main` says.
 *
 * Why: the official CLI runs the program (and the dynamic provider) in the folder `main` names.
 * A project with `main: dist/index.js` would otherwise keep its evidence in `dist/evidence/...`,
 * which the next clean rebuild deletes. Users write `./evidence/INC-1` meaning "beside
 * Pulumi.yaml", so that is what it means. The project folder is the nearest ancestor of the
 * working folder holding Pulumi.yaml (or Pulumi.yml); without one, the working folder.
 */
import { existsSync } from "node:fs";
import { dirname, isAbsolute, join, resolve } from "node:path";

const PROJECT_FILES = ["Pulumi.yaml", "Pulumi.yml"];

/** The nearest ancestor of `from` (itself included) that holds a Pulumi project file. */
export function projectFolder(from: string = process.cwd()): string | undefined {
  for (let dir = resolve(from); ; dir = dirname(dir)) {
    if (PROJECT_FILES.some((f) => existsSync(join(dir, f)))) return dir;
    if (dirname(dir) === dir) return undefined;
  }
}

/** `path` made absolute: relative paths resolve against the Pulumi project folder. */
export function resolveEvidencePath(path: string, from: string = process.cwd()): string {
  if (isAbsolute(path)) return resolve(path);
  return resolve(projectFolder(from) ?? from, path);
}
