/**
 * The sweep as one resource, without MDE: input checks (no API call), the per-machine plan of
 * an update (added, removed, unchanged, new round, retry, resume), the diff the engine sees, the
 * size of what is stored per machine, the summary line, and the program side under Pulumi's
 * mocks (one resource, the lookup's ids as its input, a duplicate resolved with a warning).
 */
import * as pulumi from "@pulumi/pulumi";
import { MDE_QUOTAS } from "../../provider/api/quotas";
import { collectScheduleMs, sweepWatcherOptions } from "../../provider/sweep/cadence";
import { checkSweepInputs, MAX_SWEEP_COMMENT_LENGTH } from "../../provider/sweep/inputs";
import { markedComment, markerFor, sweepMarker } from "../../provider/sweep/marker";
import { diffSweep, planSweep } from "../../provider/sweep/plan";
import { SweepProgress } from "../../provider/sweep/progress";
import { InvestigationSweep } from "../../provider/sweep/resource";
import type { SelectedMachine } from "../../provider/sweep/select";
import { countByStatus, type HeldEntry, heldEntries, parseSweepState, type SweepSettings, type SweepState, stateOf } from "../../provider/sweep/state";
import { FakeClock } from "../helpers/fakeClock";

const id = (n: number) => n.toString(16).padStart(40, "0");
const SETTINGS: SweepSettings = {
  sweepName: "inc-7",
  selection: "tag 'finance'",
  comment: "INC-7: triage",
  triggers: {},
  waitForCompletion: true,
  timeoutMinutes: 60,
  evidenceDirectory: null,
  cancelOnDelete: false,
  maxMachines: 1000,
};
const markerOf = markerFor(SETTINGS);
const entry = (n: number, status: HeldEntry["status"], extra: Partial<HeldEntry> = {}): HeldEntry => ({
  actionId: `00000000-0000-4000-8000-${n.toString(16).padStart(12, "0")}`,
  status,
  marker: markerOf(id(n)),
  ...extra,
});
const state = (machines: Record<string, HeldEntry>, settings: SweepSettings = SETTINGS): SweepState => stateOf(settings, machines);
const inputs = (ns: number[], over: Partial<SweepSettings> = {}) => ({ ...SETTINGS, ...over, machineIds: ns.map(id) });

describe("check: bad input is refused before any API call", () => {
  const news = (over: Record<string, unknown>) => ({ sweepName: "inc-7", selection: "tag 'finance'", machineIds: [id(1)], comment: "INC-7", __provider: "p", ...over });
  const reasons = (over: Record<string, unknown>) => checkSweepInputs(news(over)).failures.map((f) => `${f.property}: ${f.reason}`);

  it("refuses an empty selection, saying why an empty sweep is never 'nothing to do'", () => {
    expect(reasons({ machineIds: [] })).toEqual([
      "machineIds: tag 'finance' selects no device. A sweep never selects nothing: an empty selection would forget every collection of this sweep",
    ]);
  });

  it("refuses more machines than maxMachines, and malformed ids, naming them", () => {
    expect(reasons({ machineIds: [id(1), id(2), id(3)], maxMachines: 2 })).toEqual([
      "machineIds: tag 'finance' selects 3 devices, more than maxMachines (2); narrow the selection or raise maxMachines deliberately",
    ]);
    expect(reasons({ machineIds: [id(1), "not-an-id"] })[0]).toMatch(/^machineIds\.1: 'not-an-id': a machine id is 40 hexadecimal characters/);
  });

  it("keeps one of a machine named twice (case), and normalises ids to lower case, sorted", () => {
    const r = checkSweepInputs(news({ machineIds: [id(11).toUpperCase(), id(2), id(11)] }));
    expect(r.failures).toEqual([]);
    expect(r.inputs.machineIds).toEqual([id(2), id(11)]);
    expect(r.inputs).toMatchObject({ triggers: {}, waitForCompletion: true, timeoutMinutes: 60, cancelOnDelete: false, evidenceDirectory: null, maxMachines: 1000, __provider: "p" });
  });

  it("validates the settings shared with a single collection with its messages, and leaves room for the marker", () => {
    expect(reasons({ comment: " " })).toEqual(["comment: comment must not be empty: MDE records it with the action as the reason for the collection"]);
    expect(reasons({ timeoutMinutes: 0 })).toEqual(["timeoutMinutes: timeoutMinutes must be at least 1"]);
    expect(reasons({ comment: "x".repeat(MAX_SWEEP_COMMENT_LENGTH + 1) })[0]).toMatch(/^comment: comment must be at most 987 characters: MDE keeps 1000, and each request appends a 13-character correlation marker/);
    expect(markedComment("x".repeat(MAX_SWEEP_COMMENT_LENGTH), markerOf(id(1))).length).toBe(1000);
  });
});

describe("the marker", () => {
  it("is a 12-character tag that changes with the machine, the comment or the triggers, not with the order of triggers", () => {
    const base = { sweepName: "inc-7", machineId: id(1), comment: "INC-7", triggers: { a: "1", b: "2" } };
    const m = sweepMarker(base);
    expect(m).toMatch(/^\[[a-z2-7]{5}\.[a-z2-7]{4}\]$/);
    expect(sweepMarker({ ...base, triggers: { b: "2", a: "1" } })).toBe(m);
    expect(sweepMarker({ ...base, machineId: id(1).toUpperCase() })).toBe(m);
    for (const other of [{ machineId: id(2) }, { comment: "INC-8" }, { triggers: { a: "1", b: "3" } }, { sweepName: "inc-8" }]) {
      expect(sweepMarker({ ...base, ...other })).not.toBe(m);
    }
  });
});

describe("plan of an update", () => {
  it("collects added machines, forgets removed ones, leaves finished ones alone, resumes running ones and retries failed ones", () => {
    const previous = state({
      [id(1)]: entry(1, "Succeeded"),
      [id(2)]: entry(2, "InProgress"),
      [id(3)]: entry(3, "Failed"),
      [id(4)]: { actionId: null, status: "RequestFailed", marker: markerOf(id(4)), error: "refused" },
      [id(5)]: entry(5, "Succeeded"),
    });
    const plan = planSweep(previous, inputs([1, 2, 3, 4, 6]));
    expect(Object.fromEntries([...plan.steps].map(([m, s]) => [m, s.kind]))).toEqual({
      [id(1)]: "keep",
      [id(2)]: "resume",
      [id(3)]: "collect",
      [id(4)]: "collect",
      [id(6)]: "collect",
    });
    expect([...plan.removed.keys()]).toEqual([id(5)]);
  });

  it("replaces every machine's collection when the comment or triggers change, running or not", () => {
    const previous = state({ [id(1)]: entry(1, "Succeeded"), [id(2)]: entry(2, "Pending") });
    for (const change of [{ comment: "INC-7: round 2" }, { triggers: { round: "2" } }]) {
      const plan = planSweep(previous, inputs([1, 2], change));
      expect([...plan.steps.values()].map((s) => s.kind)).toEqual(["replace", "replace"]);
      expect(diffSweep(previous, inputs([1, 2], change))).toEqual({ changes: true, replaces: [], deleteBeforeReplace: false });
    }
  });

  it("replaces a machine still holding an earlier round's collection", () => {
    const earlier = sweepMarker({ sweepName: "inc-7", machineId: id(2), comment: "INC-7: round 0", triggers: {} });
    const previous = state({ [id(1)]: entry(1, "Succeeded"), [id(2)]: entry(2, "Pending", { marker: earlier }) });
    expect(previous.machines[id(2)].marker).toBe(earlier);
    const plan = planSweep(previous, inputs([1, 2], { comment: "INC-7: round 2" }));
    expect(plan.steps.get(id(1))).toMatchObject({ kind: "replace", previous: { actionId: previous.machines[id(1)].actionId } });
    expect(plan.steps.get(id(2))).toMatchObject({ kind: "replace", previous: { marker: earlier } });
    // Same comment as stored: the machine of the earlier round still needs its new collection.
    expect(planSweep(previous, inputs([1, 2])).steps.get(id(2))).toMatchObject({ kind: "replace" });
  });

  it("fetches the package of a succeeded machine that has none when evidence is wanted; leaves running ones when not waiting", () => {
    const previous = state({ [id(1)]: entry(1, "Succeeded"), [id(2)]: entry(2, "Succeeded", { packagePath: "/e/p.zip", packageSha256: "ab".repeat(32) }), [id(3)]: entry(3, "Pending") });
    const plan = planSweep(previous, inputs([1, 2, 3], { evidenceDirectory: "/e", waitForCompletion: false }));
    expect([...plan.steps.values()].map((s) => s.kind)).toEqual(["fetch", "keep", "keep"]);
    // A new evidence folder gets its own copy of every package.
    const moved = planSweep(previous, inputs([2], { evidenceDirectory: "/elsewhere" })).steps.get(id(2));
    expect(moved).toEqual({ kind: "fetch", entry: { actionId: previous.machines[id(2)].actionId, status: "Succeeded", marker: markerOf(id(2)) } });
  });
});

describe("diff", () => {
  const done = state({ [id(1)]: entry(1, "Succeeded"), [id(2)]: entry(2, "Succeeded") });

  it("is no change when every machine is done and nothing moved: the engine leaves the sweep alone", () => {
    expect(diffSweep(done, inputs([2, 1].sort()))).toEqual({ changes: false, replaces: [], deleteBeforeReplace: false });
  });

  it("is an in-place update, never a replacement, when machines join or leave, settings change or work remains", () => {
    for (const news of [inputs([1]), inputs([1, 2, 3]), inputs([1, 2], { timeoutMinutes: 5 }), inputs([1, 2], { cancelOnDelete: true })]) {
      expect(diffSweep(done, news)).toEqual({ changes: true, replaces: [], deleteBeforeReplace: false });
    }
    expect(diffSweep(state({ [id(1)]: entry(1, "TimeOut") }), inputs([1])).changes).toBe(true);
  });

  it("counts a value not known yet during preview as a change", () => {
    expect(diffSweep(done, { ...inputs([1, 2]), comment: "04da6b54-80e4-46f7-96ec-b56ff0331ba9" }).changes).toBe(true);
  });
});

describe("stored state", () => {
  it("stays within 600 bytes per machine in the checkpoint, with packages kept, and parses back", () => {
    const n = 1000;
    const machines: Record<string, HeldEntry> = {};
    for (let i = 0; i < n; i++) {
      const e = entry(i, "Succeeded", i % 10 === 0 ? { adopted: true } : {});
      machines[id(i)] = { ...e, packageSha256: "f".repeat(64), packagePath: `/var/evidence/INC-2041/${id(i)}-${e.actionId}.zip` };
    }
    const outputs = state(machines, { ...SETTINGS, evidenceDirectory: "/var/evidence/INC-2041" });
    const inputsStored = { ...SETTINGS, machineIds: Object.keys(machines), __provider: "shim" };
    // The checkpoint keeps inputs and outputs, nested and indented by four spaces (the file:// backend's layout).
    const resource = { urn: "urn", custom: true, id: "inc-7", type: "pulumi-nodejs:dynamic/mde:InvestigationSweep", inputs: inputsStored, outputs: { ...outputs, __provider: "shim" } };
    const bytes = Buffer.byteLength(JSON.stringify({ version: 3, checkpoint: { latest: { resources: [resource] } } }, null, 4));
    expect(bytes / n).toBeLessThanOrEqual(600);
    // Markers of the current round are implied, not written.
    expect(Object.values(outputs.machines).every((e) => e.marker === undefined)).toBe(true);
    expect(heldEntries(outputs).get(id(5))).toEqual(machines[id(5)]);
    expect(parseSweepState(JSON.parse(JSON.stringify(outputs)))).toEqual(outputs);
  });

  it("names the field when the stored state is corrupt", () => {
    const bad = { ...state({ [id(1)]: entry(1, "Succeeded") }), machines: { [id(1)]: { actionId: "a", status: "Done" } } };
    expect(() => parseSweepState(bad)).toThrow(/^the stored state of sweep 'inc-7' is not valid at machines\.0{39}1\.status: /);
  });

  it("counts every status, RequestFailed included", () => {
    expect(countByStatus([{ status: "Succeeded" }, { status: "RequestFailed" }, { status: "Succeeded" }])).toEqual({
      total: 3, Pending: 0, InProgress: 0, Succeeded: 2, Failed: 0, TimeOut: 0, Cancelled: 0, RequestFailed: 1,
    });
  });
});

describe("polling cadence", () => {
  it("polls a short sweep's young actions every second, and paces a long one within the hour's reads", () => {
    expect(collectScheduleMs(100, MDE_QUOTAS.collect)).toBe(0);
    expect(collectScheduleMs(1000, MDE_QUOTAS.collect)).toBe(9 * 60_000);
    for (const n of [100, 1000]) {
      expect(sweepWatcherOptions(n, MDE_QUOTAS)).toMatchObject({ intervalsByAgeMs: [[120_000, 1_000], [600_000, 5_000], [3_600_000, 30_000]], pollCallsPerMinute: 80 });
    }
    const long = sweepWatcherOptions(10_000, MDE_QUOTAS);
    // 6.2 hours of POSTs: a poll at most every 45 s while young, 20 reads a minute (80% of 1500 an hour).
    expect(collectScheduleMs(10_000, MDE_QUOTAS.collect) / 3_600_000).toBeCloseTo(6.15, 1);
    expect(long.intervalsByAgeMs[0]).toEqual([120_000, 44_000]);
    expect(long.pollCallsPerMinute).toBe(20);
  });
});

describe("progress", () => {
  it("prints one summary line when counts change, at most every 10 s, and the last one at the end", async () => {
    const clock = new FakeClock();
    const lines: string[] = [];
    const initial = Array.from({ length: 1000 }, (_, i): [string, "queued"] => [id(i), "queued"]);
    const p = new SweepProgress({ sweepName: "inc-2041", clock, log: (l) => lines.push(l), nextCollectSlotMs: () => 11_200 }, initial);
    expect(lines).toEqual([]);
    p.set(id(0), "running");
    expect(lines).toEqual(["sweep inc-2041: 0/1000 Succeeded, 1 running, 999 to request; collect quota: next slot in 12 s"]);
    for (let i = 0; i < 640; i++) p.set(id(i), "Succeeded");
    for (let i = 640; i < 652; i++) p.set(id(i), "Failed");
    for (let i = 652; i < 1000; i++) p.set(id(i), "running");
    expect(lines).toHaveLength(1);
    await clock.advance(10_000);
    expect(lines).toEqual([lines[0], "sweep inc-2041: 640/1000 Succeeded, 12 Failed, 348 running"]);
    for (let i = 652; i < 1000; i++) p.set(id(i), "Succeeded");
    p.finish();
    expect(lines.at(-1)).toBe("sweep inc-2041: 988/1000 Succeeded, 12 Failed");
    expect(lines).toHaveLength(3);
  });
});

describe("InvestigationSweep in a program", () => {
  const registered: pulumi.runtime.MockResourceArgs[] = [];
  const warnings: string[] = [];
  const selected = (n: number): SelectedMachine => ({ machineId: id(n), computerDnsName: `host-${n}.contoso.local`, osPlatform: "Linux", healthStatus: "Active" });

  beforeAll(() => {
    jest.spyOn(console, "log").mockImplementation(() => undefined);
    jest.spyOn(console, "warn").mockImplementation((m: string) => void warnings.push(m));
    jest.spyOn(console, "error").mockImplementation((m: string) => void warnings.push(m));
    pulumi.runtime.setMocks(
      { newResource: (args) => (registered.push(args), { id: `${args.name}-id`, state: args.inputs }), call: () => ({}) },
      "project",
      "stack",
      false,
    );
  });

  it("registers ONE resource for the whole fleet, with the looked-up machines as ids and the shared settings", async () => {
    const sweep = new InvestigationSweep(
      "inc-7",
      { select: { tag: "finance" }, comment: "INC-7: triage", timeoutMinutes: 90, maxMachines: 50 },
      { lookup: async (select, o) => (select.tag === "finance" && o.maxMachines === 50 ? [selected(1), selected(2), selected(3)] : []) },
    );
    expect(await new Promise((r) => sweep.selected.apply(r))).toEqual([selected(1), selected(2), selected(3)]);
    await new Promise((r) => sweep.urn.apply(r));
    const sweeps = registered.filter((r) => r.type === "pulumi-nodejs:dynamic/mde:InvestigationSweep");
    expect(sweeps).toHaveLength(1);
    expect(registered.filter((r) => r.name !== "inc-7" && r.type.includes("InvestigationPackageCollection"))).toEqual([]);
    expect(sweeps[0].inputs).toMatchObject({ sweepName: "inc-7", selection: "tag 'finance'", machineIds: [id(1), id(2), id(3)], comment: "INC-7: triage", timeoutMinutes: 90, maxMachines: 50 });
  });

  it("rejects a malformed selector at once, before any lookup", () => {
    const lookup = jest.fn();
    expect(() => new InvestigationSweep("bad", { select: { tag: "a", filter: "b" } as never, comment: "x" }, { lookup })).toThrow(
      "select must set exactly one of machineIds, computerDnsNames, tag, filter (got tag and filter)",
    );
    expect(lookup).not.toHaveBeenCalled();
  });

  it("passes the lookup's warnings on, naming the sweep", async () => {
    const sweep = new InvestigationSweep("dup", { select: { machineIds: [id(9), id(9).toUpperCase()] }, comment: "x" }, {
      lookup: async (_s, o) => {
        o.onWarning?.("'A' and 'a' name the same machine id (a): it is collected once");
        return [selected(9)];
      },
    });
    await new Promise((r) => sweep.selected.apply(r));
    expect(warnings.some((w) => w.includes("InvestigationSweep 'dup': 'A' and 'a' name the same machine id (a): it is collected once"))).toBe(true);
  });
});
