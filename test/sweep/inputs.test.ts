/**
 * A sweep's inputs are checked before any API call: an empty or too large selection, malformed
 * ids, and the settings it shares with a single collection, with room left for the marker.
 */
import { checkSweepInputs, MAX_SWEEP_COMMENT_LENGTH } from "../../provider/sweep/inputs";
import { markedComment } from "../../provider/sweep/marker";
import { id, markerOf } from "./helpers";

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
    // Stored as a map, machine id → name (the id when none is known), so a preview diffs it by id.
    expect(r.inputs.devices).toEqual({ [id(2)]: id(2), [id(11)]: id(11) });
    expect(r.inputs.machineIds).toBeUndefined();
    expect(checkSweepInputs(news({ machineIds: undefined, devices: { [id(3).toUpperCase()]: "fin-ws-03" } })).inputs.devices).toEqual({ [id(3)]: "fin-ws-03" });
    expect(r.inputs).toMatchObject({ triggers: {}, waitForCompletion: true, timeoutMinutes: 60, cancelOnDelete: false, evidenceDirectory: null, maxMachines: 1000, __provider: "p" });
  });

  it("validates the settings shared with a single collection with its messages, and leaves room for the marker", () => {
    expect(reasons({ comment: " " })).toEqual(["comment: comment must not be empty: MDE records it with the action as the reason for the collection"]);
    expect(reasons({ timeoutMinutes: 0 })).toEqual(["timeoutMinutes: timeoutMinutes must be at least 1"]);
    expect(reasons({ comment: "x".repeat(MAX_SWEEP_COMMENT_LENGTH + 1) })[0]).toMatch(/^comment: comment must be at most 987 characters: MDE keeps 1000, and each request appends a 13-character correlation marker/);
    expect(markedComment("x".repeat(MAX_SWEEP_COMMENT_LENGTH), markerOf(id(1))).length).toBe(1000);
  });
});
