/**
 * examples/sweep/README.md "Run it" as written, in a fresh folder outside the repo with the
 * packed package, against the emulator: the tag selects the emulator's finance devices, each is
 * collected once and kept under the project folder.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { DEFAULT_MACHINES } from "../../emulator";
import { packedTarball } from "../helpers/packedPackage";
import { REPO_ROOT } from "../helpers/stackCli";
import { SWEEP_RUN_IT } from "./documentedSteps";
import { emulatedUser } from "./emulatedUser";
import { stepsOf, substitute } from "./readmeSteps";

const suite = emulatedUser();

it("sweeps the finance devices as the README says", async () => {
  const { tenant, user } = suite;
  const [steps] = stepsOf(SWEEP_RUN_IT);
  const e = tenant.emulator;
  const script = substitute(steps, {
    "<this repo>": REPO_ROOT,
    "<pulumi-mde-forensics tarball>": packedTarball(),
    "<tenant id>": e.tenantId,
    "<app id>": e.clientId,
  });
  const run = await user.run(script, { stdin: `${e.clientSecret}\n` });
  if (run.code !== 0) throw new Error(`the README steps failed (exit ${run.code}):\n${run.output.slice(-4000)}`);
  expect(run.output).not.toContain("Could not find entry point");
  const finance = [DEFAULT_MACHINES.win11, DEFAULT_MACHINES.mac, DEFAULT_MACHINES.win11b];
  expect(finance.map((id) => tenant.collectPosts(id))).toEqual([1, 1, 1]);
  const evidence = path.join(user.work, "sweep-2041", "evidence", "INC-2041");
  expect(fs.readdirSync(evidence).filter((f) => f.endsWith(".zip")).sort()).toHaveLength(3);
}, 900_000);
