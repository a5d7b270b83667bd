import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { processSingleton } from "./registry";

/** The npm package name this code ships in; used to recognise our own package.json. */
export const PACKAGE_NAME = "pulumi-mde-forensics";

/** Used when no package.json can be found (e.g. the code was bundled); never fails a request. */
const UNKNOWN_VERSION = "0.0.0-unknown";

/** How far up from this file to look: provider/util (sources) or dist/provider/util (build). */
const MAX_PARENT_DIRS = 5;

/**
 * This package's version, read from its package.json at run time.
 *
 * Why not `import pkg from "../../package.json"`: tsc would then emit a copy to dist/package.json,
 * which the published `files` list leaves out, so the built code would fail to load. Walking up
 * to the first package.json named {@link PACKAGE_NAME} works for sources, builds and installs.
 */
export function packageVersion(): string {
  // Read once per copy of this package in the process (registry.ts, keyed by where the copy is).
  return processSingleton("package-version", __dirname, readVersion);
}

function readVersion(): string {
  let dir = __dirname;
  for (let i = 0; i <= MAX_PARENT_DIRS; i++) {
    try {
      const pkg = JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as { name?: string; version?: string };
      if (pkg.name === PACKAGE_NAME && typeof pkg.version === "string") return pkg.version;
    } catch {
      // no package.json here: keep walking up
    }
    dir = dirname(dir);
  }
  return UNKNOWN_VERSION;
}
