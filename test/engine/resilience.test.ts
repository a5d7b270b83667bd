/**
 * What goes wrong in real incidents, through the real engine: throttling storms, a wait that runs
 * out, cleanup on destroy, and what ends up in state. (A `pulumi up` killed while it waits:
 * collectionResume.test.ts.)
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { DEFAULT_MACHINES, defaultScenario } from "../../emulator";
import { EmulatedTenant } from "../helpers/e2e";

const { win11, win11b, linux, mac, offline } = DEFAULT_MACHINES;
let tenant: EmulatedTenant;
// Each test drives several `pulumi` runs; on a loaded machine (two cores, load 20) one run can
// take minutes. The limit is a backstop for a hung run, not a speed assertion.
jest.setTimeout(600_000);

beforeAll(async () => {
  const scenario = defaultScenario();
  // offline times out after 10 emulated minutes (10 s) instead of a day. What a test needs still
  // running is held through the emulator's control API, never timed against this machine's speed.
  scenario.machines = scenario.machines!.map((m) => (m.id === offline ? { ...m, params: { timeoutSeconds: 600 } } : m));
  tenant = await EmulatedTenant.start({ timeScale: 60, scenario });
});

afterAll(() => tenant.close());

const newStack = (name: string, collections: Record<string, Record<string, unknown>>) => tenant.stack(name, collections);

describe("InvestigationPackageCollection under faults", () => {
  it("rides out a storm of 429s without a duplicate collection", async () => {
    tenant.emulator.faults.add({ path: "/api/**", type: "status", status: 429, retryAfterSeconds: 1, count: 6 });
    const before = tenant.emulator.counters().faultsInjected as number;
    const cli = newStack("storm", { a: { machineId: win11, comment: "INC-5" }, b: { machineId: linux, comment: "INC-5" } });
    const up = await cli.ok("up");
    tenant.emulator.faults.clear();
    expect(up.outputs.results.a.status).toBe("Succeeded");
    expect(up.outputs.results.b.status).toBe("Succeeded");
    expect((tenant.emulator.counters().faultsInjected as number) - before).toBe(6);
    expect(tenant.collectPosts(win11)).toBe(1);
    expect(tenant.collectPosts(linux)).toBe(1);
  });

  it("collects on the fault-matrix device (20% resets on every call, 503s on the collect POST) in one `pulumi up`, one collection", async () => {
    // Seeded: the same calls are struck on every run. Four 503s and the resets that fall on POSTs
    // take more than the three POSTs the client used to allow, and less than the resource's time.
    tenant.emulator.faults.add({ name: "matrix-resets", path: "/api/**", type: "reset", rate: 0.2 });
    tenant.emulator.faults.add({ name: "matrix-503", route: "collect", type: "status", status: 503, count: 4 });
    const cli = newStack("matrix", { m: { machineId: win11b, comment: "INC-10", timeoutMinutes: 120 } });
    const up = await cli.ok("up");
    tenant.emulator.faults.clear();
    expect(up.outputs.results.m).toMatchObject({ status: "Succeeded", adopted: false });
    // Every refused or cut-off POST was looked for before the next: one collection on the device.
    expect(tenant.emulator.actions.ofMachine(win11b)).toHaveLength(1);
    expect(tenant.collectPosts(win11b)).toBeGreaterThan(3);
  });

  it("keeps the action id when the wait runs out, and the next up resumes it", async () => {
    // Held: still Pending when the 2-minute wait runs out, however long this `up` takes to get there.
    tenant.emulator.machines.hold(offline);
    const cli = newStack("timeout", { off: { machineId: offline, comment: "INC-7", timeoutMinutes: 2 } });
    const first = await cli.run("up");
    expect(first.code).not.toBe(0);
    expect(first.stderr).toMatch(/still Pending after 2 minutes; the collection keeps running in MDE and the next `pulumi up` resumes waiting/);
    const [kept] = (await cli.resources()).filter((r) => r.type.endsWith(":InvestigationPackageCollection"));
    expect(kept.outputs.status).toBe("Pending");

    // Released: the device's own 10-minute timeout ends it (at once if that time has passed).
    tenant.emulator.machines.release(offline);
    tenant.configure(cli, { off: { machineId: offline, comment: "INC-7", timeoutMinutes: 60 } });
    const second = await cli.run("up");
    expect(second.code).not.toBe(0);
    expect(second.stderr).toContain(`collection ${kept.id} on ${offline} (win11-offline01.contoso.local) ended TimeOut`);
    expect(tenant.collectPosts(offline)).toBe(1);
  });

  it("cancels a still-running collection on destroy when cancelOnDelete is set", async () => {
    // Held: still running when destroy comes.
    tenant.emulator.machines.hold(mac);
    const cli = newStack("cancel", { c: { machineId: mac, comment: "INC-8", waitForCompletion: false, cancelOnDelete: true } });
    const up = await cli.ok("up");
    expect(up.outputs.results.c.status).toMatch(/^(Pending|InProgress)$/);
    const cancels = () => (tenant.emulator.counters().requests as any)["POST /api/machineactions/{id}/cancel"]?.["200"] ?? 0;
    const before = cancels();
    await cli.ok("destroy");
    expect(cancels() - before).toBe(1);
    expect(tenant.emulator.actions.get(up.outputs.results.c.actionId)?.status).toBe("Cancelled");
    tenant.emulator.machines.release(mac);
  });

  it("stores no client secret, bearer token or download link in state", async () => {
    const cli = newStack("secrets", { s: { machineId: DEFAULT_MACHINES.done, comment: "INC-9", evidenceDirectory: `${tenant.dir}/evidence` } });
    const up = await cli.ok("up");
    expect(up.outputs.results.s.packageSha256).toMatch(/^[0-9a-f]{64}$/);
    // The checkpoint as the backend keeps it, backups and history included (`stack export`
    // would decrypt secrets for display).
    const state = filesUnder(path.join(cli.stateDir, ".pulumi")).map((f) => fs.readFileSync(f, "utf8")).join("\n");
    expect(state).toContain(up.outputs.results.s.actionId);
    expect(state).not.toContain(tenant.emulator.clientSecret);
    expect(state).not.toMatch(/Bearer|eyJ[A-Za-z0-9_-]{10,}\.|token=|safedownload/);
  });
});

function filesUnder(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true, recursive: true }).filter((e) => e.isFile()).map((e) => path.join(e.parentPath, e.name));
}
