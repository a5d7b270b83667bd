/**
 * The package as users get it: `npm pack` of the built repo, and fresh project folders outside
 * the repo for it. Packing takes seconds and every README and consumer test needs the same
 * tarball, so it is packed once per content (package.json and the packed dist files) and shared
 * by all jest workers and runs through a folder keyed by that content. The node_modules those
 * projects install it into is prepared once too: test/readme/preparedProject.ts.
 */
import { createHash } from "node:crypto";
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { REPO_ROOT } from "./stackCli";

/** What `npm pack` puts in the tarball (package.json "files"), hashed to key the shared copy. */
function contentKey(): string {
  const hash = createHash("sha256");
  const manifest = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, "package.json"), "utf8")) as { files: string[] };
  hash.update(fs.readFileSync(path.join(REPO_ROOT, "package.json")));
  const walk = (p: string): void => {
    if (!fs.existsSync(p)) return;
    if (fs.statSync(p).isDirectory()) for (const f of fs.readdirSync(p).sort()) walk(path.join(p, f));
    else hash.update(path.relative(REPO_ROOT, p)).update(fs.readFileSync(p));
  };
  for (const entry of manifest.files) walk(path.join(REPO_ROOT, entry));
  return hash.digest("hex").slice(0, 16);
}

/** The packed tarball's path; packs it when this content has not been packed yet. */
export function packedTarball(): string {
  if (!fs.existsSync(path.join(REPO_ROOT, "dist", "provider", "index.js"))) {
    throw new Error("dist/ is missing: run `npm run build` before the tests");
  }
  const dir = path.join(os.tmpdir(), `pmf-packed-${contentKey()}`);
  const existing = fs.existsSync(dir) ? fs.readdirSync(dir).find((f) => f.endsWith(".tgz")) : undefined;
  if (existing) return path.join(dir, existing);
  // Packed aside, then renamed into place: a second worker packing at the same time loses the
  // rename race harmlessly and uses the winner's identical tarball.
  const staging = fs.mkdtempSync(path.join(os.tmpdir(), "pmf-packing-"));
  execFileSync("npm", ["pack", "--silent", "--pack-destination", staging], { cwd: REPO_ROOT, stdio: ["ignore", "pipe", "inherit"] });
  try {
    fs.renameSync(staging, dir);
  } catch {
    fs.rmSync(staging, { recursive: true, force: true });
  }
  const tgz = fs.readdirSync(dir).find((f) => f.endsWith(".tgz"));
  if (!tgz) throw new Error(`npm pack left no tarball in ${dir}`);
  return path.join(dir, tgz);
}

/** A fresh folder outside the repo for a user's project; removed by the caller. */
export function freshProjectDir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `pmf-${prefix}-`));
}
