/**
 * examples/incident-runbook/README.md as written: "Run it" in a fresh folder outside the repo
 * with the packed package from the registry's install (TypeScript as pinned there, ts-node),
 * then each "Follow-ups" step (`pulumi config set --path`, preview, up), against the emulator.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { DEFAULT_MACHINES } from "../../emulator";
import { packedTarball } from "../helpers/packedPackage";
import { REPO_ROOT } from "../helpers/stackCli";
import { RUNBOOK_FOLLOW_UPS, RUNBOOK_RUN_IT } from "./documentedSteps";
import { emulatedUser } from "./emulatedUser";
import { stepsOf, substitute } from "./readmeSteps";

const { win11, linux, mac } = DEFAULT_MACHINES;
const suite = emulatedUser();

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

  // Run it: install, stack, credentials (the secret answers the prompt), preview, up.
  const first = await user.run(substitute(runIt, values), { stdin: `${e.clientSecret}\n` });
  expect(first.output).not.toMatch(/Cannot read properties of undefined/);
  expect(first.output).not.toContain("Could not find entry point");
  expect(first.code).toBe(0);
  const project = path.join(user.work, "inc-2041");
  const evidence = path.join(project, "evidence", "INC-2041");
  expect([tenant.collectPosts(win11), tenant.collectPosts(linux)]).toEqual([1, 1]);
  expect(fs.readdirSync(evidence).filter((f) => f.endsWith(".zip"))).toHaveLength(2);

  // Follow-up: `pulumi config set --path` keeps the stack file valid; preview shows one new
  // collection and calls no MDE API.
  const before = tenant.apiRequests();
  const preview = await user.run(substitute(followUps[0], values), { cwd: project });
  expect(preview.code).toBe(0);
  expect(preview.output).toMatch(/\+ 1 to create/);
  expect(tenant.apiRequests()).toBe(before);
  const stackFile = fs.readFileSync(path.join(project, "Pulumi.incident-2041.yaml"), "utf8");
  expect(stackFile).toContain("    - alert: da638412041000000000_1234567890");

  const up = await user.run(followUps[1], { cwd: project });
  expect(up.code).toBe(0);
  expect(up.output).toContain("win11-ws01.contoso.local: already collected for INC-2041");
  expect([tenant.collectPosts(win11), tenant.collectPosts(linux), tenant.collectPosts(mac)]).toEqual([1, 1, 1]);

  // A new round: one device collected again, its first package kept beside the new one.
  const round = await user.run(followUps[2], { cwd: project });
  expect(round.code).toBe(0);
  expect([tenant.collectPosts(win11), tenant.collectPosts(linux), tenant.collectPosts(mac)]).toEqual([2, 1, 1]);
  expect(round.output).not.toContain("raise rounds['win11-ws01.contoso.local']");
  expect(fs.readdirSync(evidence).filter((f) => f.endsWith(".zip"))).toHaveLength(4);
}, 900_000);
