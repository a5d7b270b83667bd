/**
 * Evidence through the real engine: two resources on one device share MDE's one collection and
 * its package (one GetPackageUri call, one download, equal hashes, counted by the emulator), and
 * a relative evidenceDirectory lands beside Pulumi.yaml.
 */
import { existsSync, readFileSync, rmSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { DEFAULT_MACHINES } from "../../emulator";
import { EmulatedTenant } from "../helpers/e2e";

let tenant: EmulatedTenant;
const RELATIVE = `evidence-e2e-${process.pid}`;

beforeAll(async () => {
  tenant = await EmulatedTenant.start({ timeScale: 60 });
});

const created: string[] = [];
afterAll(async () => {
  await tenant.close();
  for (const dir of created) rmSync(dir, { recursive: true, force: true });
});

describe("evidence through the real engine", () => {
  it("fetches a package shared by two resources on one device once: 1 GetPackageUri, 1 download, equal hashes", async () => {
    const evidenceDirectory = join(tenant.dir, "shared");
    const cli = tenant.stack("shared", {
      byName: { computerDnsName: "win11-ws01.contoso.local", comment: "INC-11: by name", evidenceDirectory },
      byId: { machineId: DEFAULT_MACHINES.win11, comment: "INC-11: by id", evidenceDirectory },
    });
    const up = await cli.ok("up");
    const { byName, byId } = up.outputs.results;

    expect(byName.actionId).toBe(byId.actionId);
    expect(byName.packageSha256).toMatch(/^[0-9a-f]{64}$/);
    expect(byId.packageSha256).toBe(byName.packageSha256);
    expect(byId.packagePath).toBe(byName.packagePath);
    const counters = tenant.emulator.counters();
    expect(counters.packageUriCalls[byName.actionId]).toBe(1);
    expect(counters.packageDownloads[byName.actionId]).toBe(1);
    expect(tenant.collectPosts(DEFAULT_MACHINES.win11)).toBeLessThanOrEqual(2); // the second POST, if any, is refused and adopted

    const claims = readFileSync(join(evidenceDirectory, "custody.jsonl"), "utf8")
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l))
      .filter((l) => l.event === "claimed");
    expect(claims.map((c) => c.details.comment).sort()).toEqual(["INC-11: by id", "INC-11: by name"]);
  });

  it("keeps a relative evidenceDirectory beside the Pulumi.yaml of the project the engine ran", async () => {
    const cli = tenant.stack("relative", { rel: { machineId: DEFAULT_MACHINES.done, comment: "INC-12: relative", evidenceDirectory: `${RELATIVE}/INC-12` } });
    const { rel } = (await cli.ok("up")).outputs.results;
    // The runner may run the project from a work folder of its own: whichever, the package sits
    // at <folder holding Pulumi.yaml>/<relative path>/, not under the folder `main` names.
    const project = dirname(dirname(dirname(rel.packagePath)));
    created.push(join(project, RELATIVE));
    expect(rel.packagePath).toBe(join(project, RELATIVE, "INC-12", basename(rel.packagePath)));
    expect(existsSync(join(project, "Pulumi.yaml"))).toBe(true);
    expect(existsSync(rel.packagePath)).toBe(true);
  });
});
