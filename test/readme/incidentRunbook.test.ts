/**
 * examples/incident-runbook/README.md as written: "Run it" in a fresh folder outside the repo
 * with the packed package (TypeScript as pinned there, ts-node), then each "Follow-ups" step
 * (`pulumi config set --path`, preview, up), against the emulator. The runbook's one suite: the
 * first `up` collects and verifies the sample incident's devices, a follow-up alert adds exactly
 * one collection (and previews as such, with no MDE call), and a raised round collects one device
 * again while the others stay as they are and its first package stays on disk.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { DEFAULT_MACHINES } from "../../emulator";
import { sha256File } from "../examples/helpers";
import { packedTarball } from "../helpers/packedPackage";
import { REPO_ROOT } from "../helpers/stackCli";
import { RUNBOOK_FOLLOW_UPS, RUNBOOK_RUN_IT } from "./documentedSteps";
import { emulatedUser } from "./emulatedUser";
import { runWithPreparedInstall } from "./preparedProject";
import { stepsOf, substitute } from "./readmeSteps";

const { win11, linux, mac } = DEFAULT_MACHINES;
const suite = emulatedUser();
const custody = (dir: string) => fs.readFileSync(path.join(dir, "custody.jsonl"), "utf8").trim().split("\n").map((l) => JSON.parse(l));

it("runs the README's install, first up, follow-up and new round as written", async () => {
  const { tenant, user } = suite;
  const [runIt] = stepsOf(RUNBOOK_RUN_IT);
  const followUps = stepsOf(RUNBOOK_FOLLOW_UPS);
  expect(followUps).toHaveLength(3);
  const e = tenant.emulator;
  const values = {
    "<this repo>": REPO_ROOT,
    "<pulumi-mde-forensics tarball>": packedTarball(),
    "<tenant id>": e.tenantId,
    "<app id>": e.clientId,
  };
  const posts = () => [tenant.collectPosts(win11), tenant.collectPosts(linux), tenant.collectPosts(mac)];

  // Run it: install, stack, credentials (the secret answers the prompt), preview, up.
  const first = await runWithPreparedInstall(user, substitute(runIt, values), { stdin: `${e.clientSecret}\n` });
  expect(first.output).not.toMatch(/Cannot read properties of undefined/);
  expect(first.output).not.toContain("Could not find entry point");
  // No report asked for: no warning about an undefined stack output either.
  expect(first.output).not.toMatch(/Undefined value/);
  expect(first.code).toBe(0);
  const project = path.join(user.work, "inc-2041");
  const evidence = path.join(project, "evidence", "INC-2041");
  const outputs = await user.json("pulumi stack output --json", project);
  const c1 = outputs.collections;
  expect(outputs.incident).toBe("INC-2041");
  expect(Object.keys(c1).sort()).toEqual(["lnx-srv01.contoso.local", "win11-ws01.contoso.local"]);
  for (const [device, machineId] of [["win11-ws01.contoso.local", win11], ["lnx-srv01.contoso.local", linux]] as const) {
    expect(c1[device]).toMatchObject({ status: "Succeeded", adopted: false, round: 1, machineId });
    expect(path.dirname(c1[device].packagePath)).toBe(evidence);
    expect(sha256File(c1[device].packagePath)).toBe((await e.packageInfo(c1[device].actionId))!.sha256);
  }
  expect(posts()).toEqual([1, 1, 0]);
  expect(fs.readdirSync(evidence).filter((f) => f.endsWith(".zip"))).toHaveLength(2);

  // Follow-up: `pulumi config set --path` keeps the stack file valid; preview shows one new
  // collection and calls no MDE API.
  const before = tenant.apiRequests();
  const preview = await user.run(substitute(followUps[0], values), { cwd: project });
  expect(preview.code).toBe(0);
  expect(preview.output).toMatch(/\+ 1 to create/);
  expect(preview.output).toMatch(/3 unchanged/);
  expect(tenant.apiRequests()).toBe(before);
  const stackFile = fs.readFileSync(path.join(project, "Pulumi.incident-2041.yaml"), "utf8");
  expect(stackFile).toContain("    - alert: da638412041000000000_1234567890");

  // up requests exactly that one, and says why the device already collected is not collected again.
  const up = await user.run(followUps[1], { cwd: project });
  expect(up.code).toBe(0);
  expect(up.output).toContain("win11-ws01.contoso.local: already collected for INC-2041; raise rounds['win11-ws01.contoso.local'] to collect it again");
  expect(posts()).toEqual([1, 1, 1]);
  const c2 = (await user.json("pulumi stack output collections --json", project)) as Record<string, any>;
  expect(c2["mac-ws01.contoso.local"]).toMatchObject({ status: "Succeeded", machineId: mac });
  // The comment MDE records ends with the resource's correlation marker.
  const macRequest = custody(evidence).find((l) => l.event === "requested" && l.actionId === c2["mac-ws01.contoso.local"].actionId);
  expect(macRequest.details.requestorComment).toMatch(/^INC-2041, alert da638412041000000000_1234567890: same phishing sender, second mailbox \[[a-z2-7]{5}\.[a-z2-7]{4}\]$/);

  // A new round: one device collected again (a replace), its first package kept beside the new one.
  const round = await user.run(followUps[2], { cwd: project });
  expect(round.code).toBe(0);
  expect(round.output).toMatch(/\+-1 replaced/);
  expect(round.output).toMatch(/3 unchanged/);
  expect(posts()).toEqual([2, 1, 1]);
  expect(round.output).not.toContain("raise rounds['win11-ws01.contoso.local']");
  const again = ((await user.json("pulumi stack output collections --json", project)) as Record<string, any>)["win11-ws01.contoso.local"];
  expect(again).toMatchObject({ status: "Succeeded", round: 2, adopted: false });
  expect(again.actionId).not.toBe(c1["win11-ws01.contoso.local"].actionId);
  expect(fs.existsSync(c1["win11-ws01.contoso.local"].packagePath)).toBe(true);
  expect(fs.readdirSync(evidence).filter((f) => f.endsWith(".zip"))).toHaveLength(4);
  // The custody log links round 1 to the round that replaced it.
  expect(custody(evidence).filter((l) => l.event === "superseded").map((l) => [l.actionId, l.details.supersededBy])).toEqual([[c1["win11-ws01.contoso.local"].actionId, again.actionId]]);
  expect(custody(evidence).filter((l) => l.event === "verified").map((l) => l.actionId).sort()).toEqual(
    [c1["win11-ws01.contoso.local"].actionId, c1["lnx-srv01.contoso.local"].actionId, c2["mac-ws01.contoso.local"].actionId, again.actionId].sort(),
  );
}, 900_000);
