/**
 * InvestigationPackageCollection end to end: the real Pulumi CLI and engine, the real provider
 * host loading our compiled runtime, real @azure/identity and undici against the emulator.
 * (Rounds that overlap, and `up`s killed after their POST: collectionResume.test.ts.)
 */
import * as fs from "node:fs";
import { DEFAULT_ACTIONS, DEFAULT_MACHINES } from "../../emulator";
import type { EmulatedTenant } from "../helpers/e2e";
import type { StackCli } from "../helpers/stackCli";
import { collectionResources, marked, tenantWith } from "./collectionTenant";

const { win11, linux, busy, failing } = DEFAULT_MACHINES;
const LEGACY = "a5".repeat(20);
let tenant: EmulatedTenant;
// Each test drives several `pulumi` runs; on a loaded machine (two cores, load 20) one run can
// take minutes. The limit is a backstop for a hung run, not a speed assertion.
jest.setTimeout(600_000);

beforeAll(async () => {
  tenant = await tenantWith({ legacy: LEGACY });
  // Commanded, never raced against the x60 clock: the analyst's collection on `busy` runs for the
  // whole file, however slow this machine is.
  tenant.emulator.actions.hold(DEFAULT_ACTIONS.running);
});

afterAll(() => tenant.close());

const newStack = (name: string, collections: Record<string, Record<string, unknown>>) => tenant.stack(name, collections);

describe("InvestigationPackageCollection through the real engine", () => {
  it("previews with zero API calls, then collects, adopts and refreshes without ever requesting twice", async () => {
    const cli = newStack("lifecycle", {
      ws01: { computerDnsName: "win11-ws01.contoso.local", comment: "INC-1: triage" },
      srv01: { machineId: linux.toUpperCase(), comment: "INC-1: triage" },
      busy01: { machineId: busy, comment: "INC-1: triage", waitForCompletion: false },
    });
    const before = tenant.apiRequests();
    const preview = await cli.ok("preview");
    expect(preview.changeSummary).toMatchObject({ create: 4 });
    expect(tenant.apiRequests()).toBe(before);

    const up = await cli.ok("up");
    const results = up.outputs.results;
    expect(results.ws01).toMatchObject({ status: "Succeeded", adopted: false, machineId: win11, computerDnsName: "win11-ws01.contoso.local", requestorComment: expect.stringMatching(marked("INC-1: triage")) });
    expect(results.srv01).toMatchObject({ status: "Succeeded", adopted: false, machineId: linux });
    expect(results.busy01).toMatchObject({ status: "InProgress", adopted: true, actionId: DEFAULT_ACTIONS.running });
    expect(tenant.collectPosts(win11)).toBe(1);
    expect(tenant.collectPosts(linux)).toBe(1);
    expect(tenant.collectPosts(busy)).toBe(0);

    // State holds the action ids as resource ids, and one small provider text shared by all.
    const resources = await collectionResources(cli);
    expect(resources.map((r) => r.id).sort()).toEqual([results.ws01.actionId, results.srv01.actionId, DEFAULT_ACTIONS.running].sort());
    expect(new Set(resources.map((r) => r.outputs.__provider)).size).toBe(1);
    expect(resources[0].outputs.__provider.length).toBeLessThan(3000);

    const refresh = await cli.ok("refresh");
    expect(refresh.summary).not.toHaveProperty("create");
    const again = await cli.ok("up");
    expect(again.summary).toEqual({ same: 4 });
    expect(tenant.collectPosts(win11)).toBe(1);
    expect(tenant.collectPosts(linux)).toBe(1);
  }, 300_000);

  it("replaces a collection when its comment changes, and not when only waiting options change", async () => {
    const cli = newStack("replace", { ws02: { machineId: DEFAULT_MACHINES.win11b, comment: "INC-2: first look" } });
    const first = (await cli.ok("up")).outputs.results.ws02;
    tenant.configure(cli, { ws02: { machineId: DEFAULT_MACHINES.win11b, comment: "INC-2: first look", timeoutMinutes: 90 } });
    const updated = await cli.ok("up");
    expect(updated.summary).toMatchObject({ update: 1 });
    expect(updated.outputs.results.ws02.actionId).toBe(first.actionId);

    tenant.configure(cli, { ws02: { machineId: DEFAULT_MACHINES.win11b, comment: "INC-2: second look", timeoutMinutes: 90 } });
    const replaced = await cli.ok("up");
    expect(replaced.summary).toMatchObject({ replace: 1 });
    expect(replaced.outputs.results.ws02.actionId).not.toBe(first.actionId);
    expect(replaced.outputs.results.ws02.requestorComment).toMatch(marked("INC-2: second look"));
    expect(tenant.collectPosts(DEFAULT_MACHINES.win11b)).toBe(2);
  }, 300_000);

  it("fails a collection that ends Failed with machine, action, status and errorHResult, and starts anew on the next up", async () => {
    const cli = newStack("failing", { fail01: { machineId: failing, comment: "INC-3" } });
    const r = await cli.run("up");
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(new RegExp(`collection [0-9a-f-]{36} on ${failing} \\(winsrv-fail01\\.contoso\\.local\\) ended Failed with errorHResult -?\\d+`));
    const [kept] = await collectionResources(cli);
    expect(kept.outputs.status).toBe("Failed");

    const r2 = await cli.run("up");
    expect(r2.code).not.toBe(0);
    const [second] = await collectionResources(cli);
    expect(second.id).not.toBe(kept.id);
    expect(tenant.collectPosts(failing)).toBe(2);
  });

  it("fetches evidence newly asked for in place, and neither refresh nor another up downloads it again", async () => {
    const { mac } = DEFAULT_MACHINES;
    const evidenceDirectory = `${tenant.dir}/evidence-mac`;
    const cli = newStack("evidence", { mac01: { machineId: mac, comment: "INC-10" } });
    const first = (await cli.ok("up")).outputs.results.mac01;
    expect(first.packagePath).toBeUndefined();

    tenant.configure(cli, { mac01: { machineId: mac, comment: "INC-10", evidenceDirectory } });
    const updated = await cli.ok("up");
    expect(updated.summary).toMatchObject({ update: 1 });
    const kept = updated.outputs.results.mac01;
    expect(kept.actionId).toBe(first.actionId);
    const info = await tenant.emulator.packageInfo(first.actionId);
    expect(kept).toMatchObject({ packageSha256: info!.sha256, packageSizeBytes: info!.size });
    expect(kept.packagePath).toBe(`${evidenceDirectory}/${mac}-${first.actionId}.zip`);

    const downloads = () => (tenant.emulator.counters().packageDownloads as Record<string, number>)[first.actionId];
    expect(downloads()).toBe(1);
    await cli.ok("refresh");
    expect((await cli.ok("up")).summary).toEqual({ same: 2 });
    expect(downloads()).toBe(1);
    expect(tenant.collectPosts(mac)).toBe(1);
  });

  it("loads and migrates a collection stored by 0.1.0 (no stateVersion, no marker): no change, no call to collect", async () => {
    const cli = newStack("legacy", { old: { machineId: LEGACY, comment: "INC-14" } });
    const first = (await cli.ok("up")).outputs.results.old;
    // Rewrite the checkpoint as 0.1.0 left it: the same outputs without the fields 0.2 added.
    const file = checkpointFile(cli);
    const checkpoint = JSON.parse(fs.readFileSync(file, "utf8"));
    const stored = checkpoint.checkpoint.latest.resources.find((r: any) => r.id === first.actionId);
    delete stored.outputs.stateVersion;
    delete stored.outputs.marker;
    fs.writeFileSync(file, JSON.stringify(checkpoint));

    const again = await cli.ok("up");
    expect(again.summary).toEqual({ same: 2 });
    await cli.ok("refresh");
    const [migrated] = await collectionResources(cli);
    expect(migrated.outputs).toMatchObject({ stateVersion: 1, marker: null, actionId: first.actionId, status: "Succeeded" });
    expect(tenant.collectPosts(LEGACY)).toBe(1);
  }, 300_000);

  it("rejects an invalid machine id in preview with a clear message and no API call", async () => {
    const cli = newStack("invalid", { bad: { machineId: "not-a-device", comment: "INC-4" } });
    const before = tenant.apiRequests();
    const r = await cli.run("preview");
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain("machineId");
    expect(r.stderr).toContain("40 hexadecimal characters");
    expect(tenant.apiRequests()).toBe(before);
  });
});

/** The file:// backend's checkpoint of the stack (`.pulumi/stacks/<project>/<stack>.json`). */
function checkpointFile(cli: StackCli): string {
  const stacks = `${cli.stateDir}/.pulumi/stacks`;
  const found = fs.readdirSync(stacks, { recursive: true, encoding: "utf8" }).filter((f) => f.endsWith(`${cli.stackName}.json`));
  if (found.length !== 1) throw new Error(`expected one checkpoint for ${cli.stackName} under ${stacks}, found ${found.join(", ") || "none"}`);
  return `${stacks}/${found[0]}`;
}
