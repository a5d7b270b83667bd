/**
 * The README flows that run in a clone of the repository, as written, in a copy of it outside
 * the repo (the files git tracks, nothing built or installed). One clone, installed and built
 * once, as a user who follows the README from the top would:
 * - README "Quick start": `npm ci && npm run build` (the one install and the one build), login,
 *   stack, config, `pulumi up` of the root program against the emulator; the relative evidence
 *   folder must land beside Pulumi.yaml, where a user looks for it, not in the build output;
 * - README "The two commands": `npm run demo` (its `npm test` is this run itself), which finds the
 *   install and the build current and runs the main job on the embedded emulator;
 * - examples/exercise/README.md "Run it": toolchain, install and build when needed (neither is),
 *   the drill checker; then the checker again with the same seed, for the same hashes.
 */
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { DEFAULT_MACHINES } from "../../emulator";
import { REPO_ROOT } from "../helpers/stackCli";
import { EXERCISE_RUN_IT, QUICK_START, TWO_COMMANDS } from "./documentedSteps";
import { emulatedUser } from "./emulatedUser";
import { type ReadmeRun, stepsOf, substitute } from "./readmeSteps";

const suite = emulatedUser();
let clone: string;

beforeAll(() => {
  clone = path.join(suite.user.work, "pulumi-mde-forensics");
  cloneInto(clone);
});

/** The repository as a clone has it: every tracked file, nothing built or installed. */
function cloneInto(dir: string): void {
  const files = execFileSync("git", ["ls-files", "-z"], { cwd: REPO_ROOT, encoding: "utf8" }).split("\0").filter(Boolean);
  for (const file of files) {
    const from = path.join(REPO_ROOT, file);
    if (!fs.existsSync(from)) continue; // deleted in the work tree, not yet committed
    fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    fs.copyFileSync(from, path.join(dir, file));
    fs.chmodSync(path.join(dir, file), fs.statSync(from).mode);
  }
}

const ok = (run: ReadmeRun, what: string): ReadmeRun => {
  if (run.code !== 0) throw new Error(`${what} failed (exit ${run.code}):\n${run.output.slice(-4000)}`);
  return run;
};

/** When the clone was last installed (npm's record of it) and built (tsc's): a second install or build moves them. */
const installedAndBuilt = () => ["node_modules/.package-lock.json", "dist/tsconfig.tsbuildinfo"].map((f) => fs.statSync(path.join(clone, f)).mtimeMs);

it("collects the README's devices with the root program: one collection per device, evidence beside Pulumi.yaml", async () => {
  const { tenant, user } = suite;
  const [steps] = stepsOf(QUICK_START);
  const e = tenant.emulator;
  const script = substitute(steps, { "<tenant id>": e.tenantId, "<application id>": e.clientId });

  ok(await user.run(script, { cwd: clone, stdin: `${e.clientSecret}\n` }), "the README steps");
  // Two devices, one by name and one by id (the emulator's lnx-srv01): one collection each. A
  // second POST that MDE refuses with 400 and the provider then adopts is allowed (a retried
  // request can do that); a second collection is not.
  const collections = [DEFAULT_MACHINES.win11, DEFAULT_MACHINES.linux].map((m) => e.actions.ofMachine(m));
  expect(collections.map((c) => c.length)).toEqual([1, 1]);
  const ids = collections.map((c) => c[0].id);
  const packages = (await user.json("pulumi stack output packages --json", clone)) as Array<{ actionId: string; status: string }>;
  expect(packages.map((p) => [p.actionId, p.status]).sort()).toEqual(ids.map((id) => [id, "Succeeded"]).sort());
  expect(fs.existsSync(path.join(clone, "dist", "evidence"))).toBe(false);
  const evidence = path.join(clone, "evidence", "INC-2041");
  const zips = fs.existsSync(evidence) ? fs.readdirSync(evidence).filter((f) => f.endsWith(".zip")) : [];
  expect(ids.map((id) => zips.filter((z) => z.includes(id)).length)).toEqual([1, 1]);
  expect(zips).toHaveLength(2);
}, 900_000);

it("runs the main job on the clone: `npm run demo` installs and builds nothing again, collects 3 devices, one adopted, evidence kept", async () => {
  const [block] = stepsOf(TWO_COMMANDS);
  const demo = block.split("\n").filter((l) => /^npm run demo\b/.test(l.trim()));
  expect(demo).toEqual(["npm run demo"]);
  const before = installedAndBuilt();
  const run = ok(await suite.user.run(demo.join("\n"), { cwd: clone }), "npm run demo");
  expect(installedAndBuilt()).toEqual(before);
  const collected = run.output.slice(run.output.indexOf("== collected")).split("\n").slice(1, 4);
  expect(collected.filter((l) => /\sSucceeded\s/.test(l))).toHaveLength(3);
  expect(collected.filter((l) => /\sadopted\s/.test(l))).toHaveLength(1);
  expect(run.output).toMatch(/collection POSTs: 2 for 3 devices/);
  expect(fs.readdirSync(path.join(clone, "evidence", "demo")).filter((f) => f.endsWith(".zip"))).toHaveLength(3);
}, 900_000);

/** The drill's devices as the checker's table prints them: device, expected, got, how, sha256 prefix. */
const EXPECTED_DRILL = [
  ["fin-ws01.contoso.local", "Succeeded", "requested"],
  ["fin-ws03.contoso.local", "Succeeded", "adopted"],
  ["web-srv01.contoso.local", "Succeeded", "requested"],
  ["exec-mac01.contoso.local", "Succeeded", "requested"],
  ["sales-lt07.contoso.local", "TimeOut", "requested"],
  ["db-srv02.contoso.local", "Failed", "requested"],
];

it("runs the exercise README's drill in the clone: every device as expected, and the same seed gives the same hashes", async () => {
  const { user } = suite;
  const [steps] = stepsOf(EXERCISE_RUN_IT);
  const before = installedAndBuilt();
  const run = ok(await user.run(substitute(steps, {}), { cwd: clone }), "the README steps");
  expect(installedAndBuilt()).toEqual(before);
  expect(run.output).toMatch(/^PASS: 6\/6 devices as expected, 4 packages matching the emulator's hashes/m);
  // The shipped findings.yaml reports every plant on a collected device; fleet-00003 was not collected.
  expect(run.output).toMatch(/^PASS: .*, findings ok \(6 found\)/m);
  expect(run.output).toMatch(/^ {4}missed security-log-cleared on fleet-00003\.contoso\.local \(not collected in this drill\)$/m);
  // A passing drill prints its report, not the intended failures' traces.
  expect(run.output).not.toMatch(/Unhandled exception|failed to register/);
  const rows = EXPECTED_DRILL.map(([device]) => run.output.match(new RegExp(`^${device.replace(/\./g, "\\.")}\\s+\\d+\\s+(\\S+)\\s+(\\S+)\\s+(\\S+)\\s+(\\S+)\\s+ok$`, "m")));
  expect(rows.map((m) => (m ? [m[1], m[2], m[3]] : undefined))).toEqual(EXPECTED_DRILL.map(([, status, how]) => [status, status, how]));
  const printedFingerprint = run.output.match(/^fingerprint ([0-9a-f]{64}) /m)?.[1];

  // The same seed again, as a trainer scores a second team: its findings leave one plant out and
  // invent one. Same outcomes and hashes; the drill fails and names both.
  const shipped = fs.readFileSync(path.join(clone, "examples", "exercise", "findings.yaml"), "utf8");
  const poor = path.join(user.work, "poor-findings.yaml");
  fs.writeFileSync(poor, shipped.replace(/^ {2}- device: fin-ws01\.contoso\.local\n {4}kind: temp-listener\n.*\n/m, "") + "  - { device: web-srv01.contoso.local, kind: new-local-admin }\n");
  expect(fs.readFileSync(poor, "utf8")).not.toContain("temp-listener");
  const report = path.join(user.work, "drill-again.json");
  const second = await user.run(`source scripts/toolchain.sh\nnode dist/examples/exercise/check.js --work-dir ${user.work}/drill-again --json ${report} --findings ${poor}`, { cwd: clone });
  if (second.code !== 1) throw new Error(`the second drill exited ${second.code}, expected 1:\n${second.output.slice(-4000)}`);
  expect(second.output).toMatch(/^ {4}FAIL missed temp-listener on fin-ws01\.contoso\.local$/m);
  expect(second.output).toMatch(/^ {4}FAIL false positive: new-local-admin on web-srv01\.contoso\.local$/m);
  expect(second.output).toMatch(/^FAIL: 6\/6 devices as expected, .*findings failed: 1 plant\(s\) missed, 1 false positive\(s\)/m);
  const again = JSON.parse(fs.readFileSync(report, "utf8"));
  expect(again).toMatchObject({ passed: false, seed: "drill-2041", fingerprint: printedFingerprint });
  const shas = again.devices.map((d: { sha256?: string }) => (d.sha256 ? `${d.sha256.slice(0, 16)}…` : "-"));
  expect(shas).toEqual(rows.map((m) => m?.[4]));
  expect(shas.filter((s: string) => s !== "-")).toHaveLength(4);
  // The analyst's collection is the one in the scenario file, not a new one.
  expect(again.devices[1]).toMatchObject({ device: "fin-ws03.contoso.local", adopted: true, actionId: "3c4d5e6f-7081-4293-a4b5-c6d7e8f9a0b1" });
  for (const d of again.devices.filter((x: { status: string }) => x.status === "Succeeded")) {
    expect(d.checks.map((c: { name: string }) => c.name)).toEqual(expect.arrayContaining(["output sha256 = emulator's", "file sha256 = emulator's", "manifest sha256 = emulator's"]));
  }
}, 900_000);
