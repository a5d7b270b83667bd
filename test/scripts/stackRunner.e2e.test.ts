/**
 * The runner runs programs where the official CLI does (Pulumi.yaml's `main`, else the project
 * folder), for the program and for the dynamic-provider host: relative paths in a program or
 * a provider then resolve in tests as they do for a user's `pulumi up`.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { compiledProgramPath, programDirOf } from "../../scripts/lib/stackRunner";
import { REPO_ROOT, StackCli } from "../helpers/stackCli";

const PROJECTS = path.join(REPO_ROOT, "test", "scripts", "projects");
const clis: StackCli[] = [];

// Private backends, removed without a `pulumi destroy` each (see EmulatedTenant.close).
afterAll(() => {
  for (const cli of clis) cli.dispose();
});

it.each([
  ["main names a subfolder", "cwd-main", path.join(PROJECTS, "cwd-main", "program")],
  ["no main: the project folder", "cwd-plain", path.join(PROJECTS, "cwd-plain")],
])("runs the program and the provider host in the CLI's folder (%s)", async (_, project, expected) => {
  const cli = new StackCli(path.join(PROJECTS, project), `cwd${process.pid}`);
  clis.push(cli);
  const up = await cli.ok("up");
  expect(up.outputs).toEqual({ programCwd: expected, providerCwd: expected });
});

it("takes the root program's folder from its main (dist/index.js): dist/, as `pulumi up` in the repo does", () => {
  expect(programDirOf(REPO_ROOT)).toBe(path.join(REPO_ROOT, "dist"));
  expect(compiledProgramPath(REPO_ROOT)).toBe(path.join(REPO_ROOT, "dist", "index.js"));
  expect(compiledProgramPath(path.join(REPO_ROOT, "examples", "incident-runbook"))).toBe(path.join(REPO_ROOT, "dist", "examples", "incident-runbook", "index.js"));
});

it("refuses a main the CLI refuses, naming the project", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pmf-bad-main-"));
  try {
    for (const [main, message] of [
      ["/abs/index.js", "project 'main' must be a relative path"],
      ["../elsewhere", "project 'main' must be a subfolder"],
      ["missing/index.js", "project 'main' missing/index.js does not exist"],
    ]) {
      fs.writeFileSync(path.join(dir, "Pulumi.yaml"), `name: bad\nruntime: nodejs\nmain: ${main}\n`);
      expect(() => programDirOf(dir)).toThrow(`${dir}/Pulumi.yaml: ${message}`);
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
