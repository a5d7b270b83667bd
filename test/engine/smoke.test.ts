/**
 * The foundation works: a trivial dynamic resource goes through `pulumi up`, `refresh` and
 * `destroy` with the real CLI (built from Pulumi's Go modules at the pinned version), the real
 * dynamic-provider host, and a local file:// backend.
 */
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { REPO_ROOT, StackCli } from "../helpers/stackCli";

const pinned = require(path.join(REPO_ROOT, "package.json")).devDependencies["@pulumi/pulumi"];

describe("the real Pulumi engine", () => {
  let dir: string;
  let cli: StackCli;

  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "pmf-smoke-"));
    cli = new StackCli(path.join(REPO_ROOT, "test/engine/projects/smoke"), `smoke${process.pid}`);
    cli.setConfig({ "smoke:dir": { value: dir }, "smoke:content": { value: "hello" } });
  });

  afterAll(async () => {
    await cli.run("remove");
    cli.dispose();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("is a CLI at or above the pinned @pulumi/pulumi version (scripts/toolchain.sh takes a newer one as it is)", () => {
    const have = execFileSync("pulumi", ["version"], { encoding: "utf8" }).trim();
    expect(have).toMatch(/^v\d+\.\d+\.\d+/);
    const [a, b] = [have.slice(1), pinned].map((v: string) => v.split(/[.-]/).slice(0, 3).map(Number));
    const cmp = a[0] - b[0] || a[1] - b[1] || a[2] - b[2];
    expect(cmp).toBeGreaterThanOrEqual(0);
  });

  it("creates, refreshes and destroys a dynamic resource, recording it in the local checkpoint", async () => {
    const up = await cli.ok("up");
    expect(up.summary).toEqual({ create: 2 });
    expect(up.outputs).toMatchObject({ content: "hello", size: 5 });
    const file = path.join(dir, "greeting.txt");
    expect(fs.readFileSync(file, "utf8")).toBe("hello");

    const [resource] = (await cli.resources()).filter((r) => r.type === "pulumi-nodejs:dynamic/smoke:SmokeFile");
    expect(resource.id).toBe(file);
    expect(resource.outputs).toMatchObject({ content: "hello", size: 5, path: file });
    expect(typeof resource.outputs.__provider).toBe("string");

    // Drift made outside Pulumi is read back by refresh through the provider's read().
    fs.writeFileSync(file, "changed outside");
    await cli.ok("refresh");
    const [refreshed] = (await cli.resources()).filter((r) => r.type === "pulumi-nodejs:dynamic/smoke:SmokeFile");
    expect(refreshed.outputs).toMatchObject({ content: "changed outside", size: 15 });

    const destroy = await cli.ok("destroy");
    expect(destroy.summary).toEqual({ delete: 2 });
    expect(fs.existsSync(file)).toBe(false);
    expect(await cli.resources()).toEqual([]);
  });
});
