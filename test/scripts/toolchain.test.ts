/**
 * scripts/toolchain.sh on a user's machine: Node >= 22 and a Pulumi CLI of their own on PATH, no
 * Go. A CLI at or above the pinned version is used as it is; only an older one asks for a build,
 * which without Go ends in advice, never in a build attempt.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { REPO_ROOT } from "../helpers/stackCli";

let tmp: string;

beforeEach(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), "pmf-toolchain-"));
});

afterEach(() => {
  fs.rmSync(tmp, { recursive: true, force: true });
});

/** A `pulumi` shaped like the real one for what the script asks of it: `pulumi version`. */
function userPulumi(version: string): string {
  const bin = path.join(tmp, "user-bin");
  fs.mkdirSync(bin, { recursive: true });
  fs.writeFileSync(path.join(bin, "pulumi"), `#!/bin/sh\n[ "$1" = version ] && echo ${version} && exit 0\nexit 2\n`, { mode: 0o755 });
  return bin;
}

/** Sources toolchain.sh with only the user's pulumi, this Node and the system tools on PATH (no Go: exit 99 if there were). */
function sourceToolchain(userBin: string) {
  const cache = path.join(tmp, "cache");
  const PATH = [userBin, path.dirname(process.execPath), "/usr/bin", "/bin"].join(":");
  // --norc: bash reads ~/.bashrc when its stdin is a socket (as Node's pipes are), and a
  // developer's .bashrc may put Go back on PATH.
  const script = 'command -v go && exit 99; source scripts/toolchain.sh && echo "pulumi=$(command -v pulumi) $(pulumi version)"';
  const r = spawnSync("bash", ["--norc", "-c", script], {
    cwd: REPO_ROOT,
    encoding: "utf8",
    env: {
      HOME: tmp,
      PATH,
      PMF_CACHE_DIR: cache,
      PULUMI_HOME: path.join(tmp, "pulumi-home"),
      PULUMI_BACKEND_URL: `file://${path.join(tmp, "state")}`,
    },
  });
  const built = fs.existsSync(cache) ? fs.readdirSync(cache).filter((f) => f.startsWith("pulumi-")) : [];
  return { ...r, built };
}

it("uses a newer Pulumi CLI on PATH as it is, without Go and without building", () => {
  const bin = userPulumi("v3.300.0");
  const r = sourceToolchain(bin);
  expect(r.status).toBe(0);
  expect(r.stdout.trim()).toBe(`pulumi=${path.join(bin, "pulumi")} v3.300.0`);
  expect(r.stderr).toContain("pulumi v3.300.0 on PATH is at or above the pinned @pulumi/pulumi 3.259.0");
  expect(r.stderr).not.toMatch(/building pulumi/);
  expect(r.built).toEqual([]);
});

it("uses the pinned version itself as it is", () => {
  const r = sourceToolchain(userPulumi("v3.259.0"));
  expect(r.status).toBe(0);
  expect(r.stdout).toContain("v3.259.0");
  expect(r.built).toEqual([]);
});

it("does not take an older CLI: without Go it says what to install instead of building", () => {
  const r = sourceToolchain(userPulumi("v3.100.0"));
  expect(r.status).not.toBe(0);
  expect(r.stderr).toContain("pulumi on PATH: v3.100.0; v3.259.0 or newer is needed, and there is no Go toolchain to build it.");
  expect(r.stderr).toContain("Install the Pulumi CLI v3.259.0 or newer");
  expect(r.built).toEqual([]);
});

it("compares versions numerically, not as text (v3.1000.0 is newer than 3.259.0)", () => {
  const r = sourceToolchain(userPulumi("v3.1000.0"));
  expect(r.status).toBe(0);
  expect(r.built).toEqual([]);
});
