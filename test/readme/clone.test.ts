/**
 * The README flows that run in a clone of the repository, as written, in a copy of it outside
 * the repo (the files git tracks, nothing built or installed):
 * - README "The two commands": `npm run demo` on the fresh clone, which installs, builds and runs
 *   the main job on the embedded emulator (its `npm test` is this run itself);
 * - README "Quick start": `npm ci && npm run build`, login, stack, config, `pulumi up` of the root
 *   program against the emulator; the relative evidence folder must land beside Pulumi.yaml,
 *   where a user looks for it, not in the build output;
 * - examples/exercise/README.md "Run it": toolchain, install, build, the drill checker.
 */
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { DEFAULT_MACHINES } from "../../emulator";
import { REPO_ROOT } from "../helpers/stackCli";
import { EXERCISE_RUN_IT, QUICK_START, TWO_COMMANDS } from "./documentedSteps";
import { emulatedUser } from "./emulatedUser";
import { stepsOf, substitute } from "./readmeSteps";

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

it("runs the main job on the fresh clone: `npm run demo` collects 3 devices, one adopted, evidence kept", async () => {
  const [block] = stepsOf(TWO_COMMANDS);
  const demo = block.split("\n").filter((l) => /^npm run demo\b/.test(l.trim()));
  expect(demo).toEqual(["npm run demo"]);
  const run = await suite.user.run(demo.join("\n"), { cwd: clone });
  if (run.code !== 0) throw new Error(`npm run demo failed (exit ${run.code}):\n${run.output.slice(-4000)}`);
  const collected = run.output.slice(run.output.indexOf("== collected")).split("\n").slice(1, 4);
  expect(collected.filter((l) => /\sSucceeded\s/.test(l))).toHaveLength(3);
  expect(collected.filter((l) => /\sadopted\s/.test(l))).toHaveLength(1);
  expect(run.output).toMatch(/collection POSTs: 2 for 3 devices/);
  expect(fs.readdirSync(path.join(clone, "evidence", "demo")).filter((f) => f.endsWith(".zip"))).toHaveLength(3);
}, 900_000);

it("collects the README's devices with the root program, evidence beside Pulumi.yaml", async () => {
  const { tenant, user } = suite;
  const [steps] = stepsOf(QUICK_START);
  const e = tenant.emulator;
  const script = substitute(steps, { "<tenant id>": e.tenantId, "<application id>": e.clientId });

  const run = await user.run(script, { cwd: clone, stdin: `${e.clientSecret}\n` });
  if (run.code !== 0) throw new Error(`the README steps failed (exit ${run.code}):\n${run.output.slice(-4000)}`);
  // Two devices, one by name and one by id (the emulator's lnx-srv01): one collection each.
  expect([tenant.collectPosts(DEFAULT_MACHINES.win11), tenant.collectPosts(DEFAULT_MACHINES.linux)]).toEqual([1, 1]);
  expect(fs.existsSync(path.join(clone, "dist", "evidence"))).toBe(false);
  const evidence = path.join(clone, "evidence", "INC-2041");
  expect(fs.existsSync(evidence) ? fs.readdirSync(evidence).filter((f) => f.endsWith(".zip")) : []).toHaveLength(2);
}, 900_000);

it("runs the exercise README's drill in the clone: every device as expected", async () => {
  const { user } = suite;
  const [steps] = stepsOf(EXERCISE_RUN_IT);
  const run = await user.run(substitute(steps, {}), { cwd: clone });
  if (run.code !== 0) throw new Error(`the README steps failed (exit ${run.code}):\n${run.output.slice(-4000)}`);
  expect(run.output).toMatch(/PASS: 6\/6 devices as expected, 4 packages matching the emulator's hashes/);
  // A passing drill prints its report, not the intended failures' traces.
  expect(run.output).not.toMatch(/Unhandled exception|failed to register/);
}, 900_000);
