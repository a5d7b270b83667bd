/**
 * examples/sweep/README.md "Run it" as written, in a fresh folder outside the repo with the
 * packed package, against the emulator; the sweep's one suite for its main flow. The preview
 * looks the machines up and calls nothing else; the tag selects the emulator's finance devices,
 * ONE resource collects each of them once and keeps the packages under the project folder; the
 * same `pulumi up` again changes nothing; a changed selection collects the added machine and
 * forgets the removed one, leaving the others untouched. (Failures, retries and rounds:
 * test/sweep/engine.e2e.test.ts.)
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { DEFAULT_MACHINES } from "../../emulator";
import { packedTarball } from "../helpers/packedPackage";
import { REPO_ROOT } from "../helpers/stackCli";
import { SWEEP_RUN_IT } from "./documentedSteps";
import { emulatedUser } from "./emulatedUser";
import { runWithPreparedInstall } from "./preparedProject";
import { stepsOf, substitute } from "./readmeSteps";

const suite = emulatedUser();
const SWEEP_TYPE = "pulumi-nodejs:dynamic/mde:InvestigationSweep";
const FINANCE = [DEFAULT_MACHINES.win11, DEFAULT_MACHINES.mac, DEFAULT_MACHINES.win11b];
const MARKED = /^INC-2041: lateral movement from FIN-WS-17 \[[a-z2-7]{5}\.[a-z2-7]{4}\]$/;

function filesUnder(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true, recursive: true }).filter((e) => e.isFile()).map((e) => path.join(e.parentPath, e.name));
}

it("sweeps the finance devices as the README says, leaves them alone after, and follows a changed selection", async () => {
  const { tenant, user } = suite;
  const e = tenant.emulator;
  const [steps] = stepsOf(SWEEP_RUN_IT);
  const script = substitute(steps, {
    "<this repo>": REPO_ROOT,
    "<pulumi-mde-forensics tarball>": packedTarball(),
    "<tenant id>": e.tenantId,
    "<app id>": e.clientId,
  });
  const lines = script.split("\n");
  const upAt = lines.findIndex((l) => /^pulumi up\b/.test(l));
  expect(upAt).toBe(lines.length - 2); // the last step (the block ends with a newline)
  const requests = (route: string) => Object.values(e.counters().requests[route] ?? {}).reduce((a, b) => a + b, 0);
  const posts = () => FINANCE.map((id) => tenant.collectPosts(id));

  // Install, stack, config, preview: the selection is looked up, and nothing is requested.
  const preview = await runWithPreparedInstall(user, lines.slice(0, upAt).join("\n"), { stdin: `${e.clientSecret}\n` });
  if (preview.code !== 0) throw new Error(`the README steps failed (exit ${preview.code}):\n${preview.output.slice(-4000)}`);
  expect(preview.output).not.toContain("Could not find entry point");
  expect(preview.output).toMatch(/\+ 2 to create/); // the stack and the ONE sweep
  expect(preview.output).toContain("InvestigationSweep 'sweep': 3 machine(s) selected by tag 'finance'");
  expect(requests("GET /api/machines/findbytag")).toBe(1);
  expect(posts()).toEqual([0, 0, 0]);

  // up: each finance device collected once, its package kept and matching MDE's hash.
  const project = path.join(user.work, "sweep-2041");
  const up = await user.run(lines[upAt], { cwd: project });
  if (up.code !== 0) throw new Error(`pulumi up failed (exit ${up.code}):\n${up.output.slice(-4000)}`);
  expect(posts()).toEqual([1, 1, 1]);
  // docs/operations.md: per-machine lines are left out while a sweep runs (the evidence handler's
  // two per package among them, about 2,000 lines at 1,000 machines); the summary line stands for them.
  const perMachine = up.output.split("\n").filter((l) => l.includes("package of collection") || (l.includes("[mde]") && FINANCE.some((id) => l.includes(id))));
  expect(perMachine).toEqual([]);
  expect(up.output).toMatch(/\[mde\] sweep [\w-]+: 3\/3 Succeeded/);
  const outputs = await user.json("pulumi stack output --json", project);
  expect(outputs.counts).toEqual({ total: 3, Pending: 0, InProgress: 0, Succeeded: 3, Failed: 0, TimeOut: 0, Cancelled: 0, RequestFailed: 0 });
  expect(Object.keys(outputs.machines)).toEqual([...FINANCE].sort());
  const evidence = path.join(project, "evidence", "INC-2041");
  for (const id of FINANCE) {
    const row = outputs.machines[id];
    expect(row).toEqual({ actionId: expect.any(String), status: "Succeeded", packageSha256: (await e.packageInfo(row.actionId))!.sha256, packagePath: path.join(evidence, `${id}-${row.actionId}.zip`) });
    expect(fs.existsSync(row.packagePath)).toBe(true);
  }
  // Every request carries the sweep's marker after the comment; custody records it.
  const custody = fs.readFileSync(path.join(evidence, "custody.jsonl"), "utf8").trim().split("\n").map((l) => JSON.parse(l));
  const requested = custody.filter((l) => l.event === "requested");
  expect(requested).toHaveLength(3);
  for (const l of requested) expect(l.details.requestorComment).toMatch(MARKED);

  // ONE resource, its provider shim stored once in its inputs and once in its outputs whatever
  // the number of machines; no secret, no token in the checkpoint (backups and history included).
  const exported = await user.json("pulumi stack export", project);
  expect(exported.deployment.resources.map((r: { type: string }) => r.type).sort()).toEqual([SWEEP_TYPE, "pulumi:providers:pulumi-nodejs", "pulumi:pulumi:Stack"]);
  const checkpoint = filesUnder(path.join(user.home, "ir-state", ".pulumi")).map((f) => fs.readFileSync(f, "utf8")).join("\n");
  const current = filesUnder(path.join(user.home, "ir-state", ".pulumi", "stacks")).filter((f) => /inc-2041\.json$/.test(f));
  expect(current).toHaveLength(1);
  expect(fs.readFileSync(current[0], "utf8").match(/pulumi-mde-forensics\/sweep-runtime/g)).toHaveLength(2);
  expect(checkpoint).not.toContain(e.clientSecret);
  expect(checkpoint).not.toMatch(/Bearer|eyJ[A-Za-z0-9_-]{10,}\./);

  // The same `pulumi up` again: nothing to do, nothing requested.
  const again = await user.run(lines[upAt], { cwd: project });
  expect(again.code).toBe(0);
  const history = await user.json("pulumi stack history --json", project);
  expect(history[0].resourceChanges).toEqual({ same: 2 });
  expect(posts()).toEqual([1, 1, 1]);

  // The selection changes: one finance device leaves, a device of another team joins.
  const [kept1, kept2, left] = FINANCE;
  const added = DEFAULT_MACHINES.linux;
  const select = [
    "pulumi config rm --path 'mde-sweep:select.tag'",
    `pulumi config set --path 'mde-sweep:select.machineIds[0]' ${kept1}`,
    `pulumi config set --path 'mde-sweep:select.machineIds[1]' ${kept2}`,
    `pulumi config set --path 'mde-sweep:select.machineIds[2]' ${added}`,
    lines[upAt],
  ];
  const changed = await user.run(select.join("\n"), { cwd: project });
  if (changed.code !== 0) throw new Error(`the changed selection failed (exit ${changed.code}):\n${changed.output.slice(-4000)}`);
  expect((await user.json("pulumi stack history --json", project))[0].resourceChanges).toEqual({ same: 1, update: 1 });
  const after = (await user.json("pulumi stack output machines --json", project)) as Record<string, unknown>;
  expect(Object.keys(after).sort()).toEqual([kept1, kept2, added].sort());
  expect(after[kept1]).toEqual(outputs.machines[kept1]);
  expect(after[added]).toMatchObject({ status: "Succeeded" });
  expect([...posts(), tenant.collectPosts(added)]).toEqual([1, 1, 1, 1]);
  expect(after[left]).toBeUndefined();
}, 900_000);
