/** The correlation marker a sweep appends to each machine's comment. */
import { sweepMarker } from "../../provider/sweep/marker";
import { id } from "./helpers";

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
