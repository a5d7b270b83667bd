/**
 * examples/exercise end to end: the checker (compiled, in its own process, as a person runs it)
 * starts the emulator with the drill's scenario, runs `pulumi up` through the real CLI and
 * checks every outcome. Run twice with the same seed, it reports the same hashes.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { REPO_ROOT } from "../helpers/stackCli";

const CHECKER = path.join(REPO_ROOT, "dist", "examples", "exercise", "check.js");
const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "pmf-drill-"));
afterAll(() => fs.rmSync(scratch, { recursive: true, force: true }));

function drill(run: string, extraArgs: string[] = [], exitCode = 0) {
  const json = path.join(scratch, `${run}.json`);
  const r = spawnSync(process.execPath, [CHECKER, "--work-dir", path.join(scratch, run), "--json", json, ...extraArgs], { cwd: REPO_ROOT, encoding: "utf8" });
  if (r.status !== exitCode) throw new Error(`the drill exited ${r.status}, expected ${exitCode}:\n${r.stdout}\n${r.stderr.slice(-3000)}`);
  return { stdout: r.stdout, stderr: r.stderr, report: JSON.parse(fs.readFileSync(json, "utf8")) };
}

it("runs the drill with every expected outcome, and the same seed gives the same hashes", () => {
  const first = drill("first");
  const r = first.report;
  expect(r.passed).toBe(true);
  expect(r.seed).toBe("drill-2041");
  expect(r.devices.map((d: any) => [d.device, d.status, d.adopted])).toEqual([
    ["fin-ws01.contoso.local", "Succeeded", false],
    ["fin-ws03.contoso.local", "Succeeded", true],
    ["web-srv01.contoso.local", "Succeeded", false],
    ["exec-mac01.contoso.local", "Succeeded", false],
    ["sales-lt07.contoso.local", "TimeOut", false],
    ["db-srv02.contoso.local", "Failed", false],
  ]);
  // The analyst's collection is the one in the scenario file, not a new one.
  expect(r.devices[1].actionId).toBe("3c4d5e6f-7081-4293-a4b5-c6d7e8f9a0b1");
  for (const d of r.devices.filter((x: any) => x.status === "Succeeded")) {
    expect(d.checks.map((c: any) => c.name)).toEqual(expect.arrayContaining(["output sha256 = emulator's", "file sha256 = emulator's", "manifest sha256 = emulator's"]));
  }
  expect(first.stdout).toMatch(/^PASS: 6\/6 devices as expected, 4 packages matching the emulator's hashes/m);
  // The shipped findings.yaml reports every plant on a collected device; fleet-00003 was not collected.
  expect(first.stdout).toMatch(/^PASS: .*, findings ok \(6 found\)/m);
  expect(first.stdout).toMatch(/^ {4}missed security-log-cleared on fleet-00003\.contoso\.local \(not collected in this drill\)$/m);
  expect(first.stdout + first.stderr).not.toMatch(/Unhandled exception|failed to register/);

  // The second run reports a team's findings with one plant left out and one invented: same
  // hashes, but the drill fails and names both.
  const shipped = fs.readFileSync(path.join(REPO_ROOT, "examples", "exercise", "findings.yaml"), "utf8");
  const poor = path.join(scratch, "poor-findings.yaml");
  fs.writeFileSync(poor, shipped.replace(/^ {2}- device: fin-ws01\.contoso\.local\n {4}kind: temp-listener\n.*\n/m, "") + "  - { device: web-srv01.contoso.local, kind: new-local-admin }\n");
  expect(fs.readFileSync(poor, "utf8")).not.toContain("temp-listener");
  const poorRun = drill("second", ["--findings", poor], 1);
  expect(poorRun.stdout).toMatch(/^ {4}FAIL missed temp-listener on fin-ws01\.contoso\.local$/m);
  expect(poorRun.stdout).toMatch(/^ {4}FAIL false positive: new-local-admin on web-srv01\.contoso\.local$/m);
  expect(poorRun.stdout).toMatch(/^FAIL: 6\/6 devices as expected, .*findings failed: 1 plant\(s\) missed, 1 false positive\(s\)/m);

  const second = poorRun.report;
  expect(second.passed).toBe(false);
  expect(second.fingerprint).toBe(r.fingerprint);
  expect(second.devices.map((d: any) => d.sha256)).toEqual(r.devices.map((d: any) => d.sha256));
  expect(r.devices.filter((d: any) => d.sha256).length).toBe(4);
}, 150_000);
