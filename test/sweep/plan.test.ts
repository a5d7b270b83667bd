/**
 * The per-machine plan of a sweep's update, without MDE: added, removed, unchanged, new round,
 * retry, resume and fetch; and the diff the engine sees (in place, never a replacement).
 */
import { sweepMarker } from "../../provider/sweep/marker";
import { diffSweep, planSweep } from "../../provider/sweep/plan";
import { entry, id, inputs, markerOf, state } from "./helpers";

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
