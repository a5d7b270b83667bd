/**
 * InvestigationSweep through the real Pulumi CLI and engine against the emulator, beyond the
 * README's flow (test/readme/sweep.test.ts: the lookup in preview, ONE resource collecting every
 * machine, a second `up` that changes nothing, machines added and removed): a selection that
 * matches nothing, and updates that retry failed machines, resume running ones, and start new
 * rounds without ever adopting the previous round's collection.
 *
 * Deterministic by construction: online devices finish in 65 emulated seconds, far inside the
 * waits allowed; an offline device never finishes, so a wait on it always runs out; a failing
 * device always ends Failed. No outcome depends on how fast the host runs.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { defaultScenario, generateFleet } from "../../emulator";
import { emulatorStackConfig } from "../../scripts/lib/emulatorConfig";
import { EmulatedTenant } from "../helpers/e2e";
import { REPO_ROOT, StackCli } from "../helpers/stackCli";

const SWEEP_PROJECT = path.join(REPO_ROOT, "examples/sweep");
// Several `pulumi up` runs per test, each a CLI, a program and a provider host on a shared machine.
jest.setTimeout(600_000);
const online = generateFleet(12, "sweep-test");
const special = (prefix: string, behavior: "offline" | "failing") =>
  generateFleet(1, "sweep-test", { namePrefix: prefix, behavior }).map((m) => ({ ...m, machineTags: [prefix] }))[0];
const offline = special("offline", "offline");
const failing = special("failing", "failing");

let tenant: EmulatedTenant;
const stacks: StackCli[] = [];

beforeAll(async () => {
  const scenario = { ...defaultScenario(), machines: [...online, offline, failing], actions: [] };
  tenant = await EmulatedTenant.start({ timeScale: 60, scenario, control: true });
});

// Private backends, removed without a `pulumi destroy` each (see EmulatedTenant.close).
afterAll(async () => {
  for (const cli of stacks) cli.dispose();
  await tenant.close();
});

function sweepStack(name: string, config: Record<string, unknown>): StackCli {
  const cli = new StackCli(SWEEP_PROJECT, `${name}${process.pid}`, tenant.env);
  stacks.push(cli);
  configure(cli, name, config);
  return cli;
}

function configure(cli: StackCli, name: string, config: Record<string, unknown>): void {
  const values = Object.fromEntries(Object.entries(config).map(([k, v]) => [`mde-sweep:${k}`, { value: typeof v === "string" ? v : JSON.stringify(v) }]));
  cli.setConfig({ ...emulatorStackConfig(tenant.emulator, 60), "mde-sweep:name": { value: name }, ...values });
}

/** The sweep's stored outputs, read from the checkpoint (also after a failed `up`). */
async function sweepOutputs(cli: StackCli): Promise<Record<string, any>> {
  const sweeps = (await cli.resources()).filter((r) => r.type === "pulumi-nodejs:dynamic/mde:InvestigationSweep");
  expect(sweeps).toHaveLength(1);
  return sweeps[0].outputs;
}

function custody(dir: string): Array<{ event: string; actionId: string; machineId: string; details: Record<string, unknown> }> {
  return fs.readFileSync(path.join(dir, "custody.jsonl"), "utf8").trim().split("\n").map((l) => JSON.parse(l));
}

describe("a selection that matches nothing", () => {
  it("fails preview with a clear message", async () => {
    const other = sweepStack("empty", { select: { tag: "no-such-tag" }, comment: "INC-7" });
    const r = await other.run("preview");
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain("InvestigationSweep 'empty': tag 'no-such-tag' selects no device in Defender for Endpoint");
  });
});

describe("partial outcomes and rounds", () => {
  let cli: StackCli;
  let evidence: string;
  const machine = online[3];
  const settings = (over: Record<string, unknown>) => ({ comment: "INC-8: round 1", evidenceDirectory: evidence, ...over });

  beforeAll(() => {
    evidence = path.join(tenant.dir, "evidence-rounds");
    cli = sweepStack("inc8", settings({ select: { machineIds: [failing.id, machine.id] } }));
  });

  it("keeps a sweep with a failed machine, retries only that one, and resumes a running one without a second POST", async () => {
    const first = await cli.run("up");
    expect(first.code).not.toBe(0);
    expect(first.stderr).toContain("sweep inc8: 1 of 2 machines did not finish with a kept result (1 Succeeded, 1 Failed)");
    const kept = await sweepOutputs(cli);
    expect(kept.machines[failing.id]).toMatchObject({ status: "Failed", actionId: expect.any(String) });
    expect(kept.machines[machine.id]).toMatchObject({ status: "Succeeded" });

    const second = await cli.run("up");
    expect(second.code).not.toBe(0);
    const retried = await sweepOutputs(cli);
    expect(retried.machines[failing.id].actionId).not.toBe(kept.machines[failing.id].actionId);
    expect(tenant.collectPosts(failing.id)).toBe(2);
    expect(tenant.collectPosts(machine.id)).toBe(1);

    // The failing machine leaves; an offline one joins and is still Pending when the wait runs out.
    configure(cli, "inc8", settings({ select: { machineIds: [machine.id, offline.id] }, timeoutMinutes: 1 }));
    const third = await cli.run("up");
    expect(third.code).not.toBe(0);
    expect(third.stderr).toContain("is still Pending after 1 minutes");
    const waiting = await sweepOutputs(cli);
    expect(Object.keys(waiting.machines).sort()).toEqual([machine.id, offline.id].sort());
    expect(waiting.machines[offline.id]).toMatchObject({ status: "Pending", actionId: expect.any(String) });

    const fourth = await cli.run("up");
    expect(fourth.code).not.toBe(0);
    expect((await sweepOutputs(cli)).machines[offline.id].actionId).toBe(waiting.machines[offline.id].actionId);
    expect(tenant.collectPosts(offline.id)).toBe(1);
    expect(tenant.collectPosts(machine.id)).toBe(1);
  });

  it("starts a new round without adopting the previous one: waits for a running collection, or cancels it with cancelOnDelete", async () => {
    const before = (await sweepOutputs(cli)).machines;
    const oldOffline = before[offline.id].actionId;
    // 10 minutes: the online device's new collection (65 s) finishes well inside them.
    configure(cli, "inc8", settings({ select: { machineIds: [machine.id, offline.id] }, timeoutMinutes: 10, comment: "INC-8: round 2" }));
    const waited = await cli.run("up");
    expect(waited.code).not.toBe(0);
    expect(waited.stderr).toContain(`the previous round's collection ${oldOffline} is still Pending after 10 minutes`);
    const afterWait = await sweepOutputs(cli);
    // The offline machine still holds round 1's collection, marked as such; no POST was made for it.
    expect(afterWait.machines[offline.id]).toMatchObject({ actionId: oldOffline, status: "Pending", marker: expect.stringMatching(/^\[[a-z2-7]{5}\.[a-z2-7]{4}\]$/) });
    expect(tenant.collectPosts(offline.id)).toBe(1);
    expect(afterWait.machines[machine.id].actionId).not.toBe(before[machine.id].actionId);
    expect(tenant.collectPosts(machine.id)).toBe(2);

    configure(cli, "inc8", settings({ select: { machineIds: [machine.id, offline.id] }, comment: "INC-8: round 2", cancelOnDelete: true, waitForCompletion: false }));
    const cancelled = await cli.ok("up");
    const next = cancelled.outputs.machines[offline.id];
    expect(next).toEqual({ actionId: expect.any(String), status: "Pending" });
    expect(next.actionId).not.toBe(oldOffline);
    expect(cancelled.outputs.machines[machine.id]).toEqual(afterWait.machines[machine.id]);
    expect(tenant.collectPosts(offline.id)).toBe(2);
    expect(tenant.collectPosts(machine.id)).toBe(2);

    const log = custody(evidence);
    expect(log.filter((l) => l.event === "superseded").map((l) => [l.actionId, l.details.status])).toEqual([
      [before[machine.id].actionId, "Succeeded"],
      [oldOffline, "Cancelled"],
    ]);
    const request = log.find((l) => l.event === "requested" && l.actionId === next.actionId)!;
    expect(request.details.requestorComment).toMatch(/^INC-8: round 2 \[[a-z2-7]{5}\.[a-z2-7]{4}\]$/);
  });
});
