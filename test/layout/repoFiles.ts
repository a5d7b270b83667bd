/**
 * The files the layout guards look at: what git tracks plus new files it does not ignore, as
 * they are in the work tree (a file deleted but not yet committed is gone). Reading git's list
 * rather than walking folders keeps node_modules, dist and other build output out by the same
 * rules the repository uses.
 */
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";

export const REPO_ROOT = path.resolve(__dirname, "..", "..");

/** Repository-relative paths with forward slashes, sorted. */
export function repoFiles(): string[] {
  const out = execFileSync("git", ["ls-files", "-z", "--cached", "--others", "--exclude-standard"], { cwd: REPO_ROOT, encoding: "utf8" });
  const files = new Set(out.split("\0").filter((f) => f && fs.existsSync(path.join(REPO_ROOT, f))));
  return [...files].filter((f) => fs.statSync(path.join(REPO_ROOT, f)).isFile()).sort();
}

export function readRepoFile(file: string): string {
  return fs.readFileSync(path.join(REPO_ROOT, file), "utf8");
}
