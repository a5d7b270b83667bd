/**
 * The correlation marker: short, stable for one declaration, different for a new round or
 * another resource, and read back from a comment as MDE lists it.
 */
import { correlationMarker, MARKER_LENGTH, MARKER_PATTERN, markerOf, withMarker } from "../../provider/adoption/marker";
import { MAX_DECLARED_COMMENT_LENGTH } from "../../provider/resource/inputs";
import { checkInputs } from "../../provider/resource/inputs";

const owner = ["incident", "prod", "InvestigationPackageCollection", "ws01"];

describe("correlationMarker", () => {
  it("is a 12-character bracketed tag, the same for the same declaration however its triggers are ordered or its comment padded", () => {
    const m = correlationMarker(owner, { comment: "INC-1: triage", triggers: { round: "1", team: "ir" } });
    expect(m).toMatch(MARKER_PATTERN);
    expect(m).toHaveLength(MARKER_LENGTH);
    expect(correlationMarker(owner, { comment: "  INC-1: triage ", triggers: { team: "ir", round: "1" } })).toBe(m);
  });

  it("keeps the owner part across rounds and changes the intent part, so a new round is told from the old one", () => {
    const round1 = markerOf(withMarker("INC-1", correlationMarker(owner, { comment: "INC-1", triggers: { round: "1" } })))!;
    const round2 = markerOf(withMarker("INC-1", correlationMarker(owner, { comment: "INC-1", triggers: { round: "2" } })))!;
    const otherComment = markerOf(withMarker("INC-1b", correlationMarker(owner, { comment: "INC-1b", triggers: { round: "1" } })))!;
    expect(round2.owner).toBe(round1.owner);
    expect(round2.intent).not.toBe(round1.intent);
    expect(otherComment.intent).not.toBe(round1.intent);
  });

  it("differs between resources, stacks and projects declaring the same intent", () => {
    const intent = { comment: "INC-1" };
    const owners = [owner, ["incident", "prod", "InvestigationPackageCollection", "ws02"], ["incident", "dev", "InvestigationPackageCollection", "ws01"], ["other", "prod", "InvestigationPackageCollection", "ws01"]];
    const tags = owners.map((o) => markerOf(`x ${correlationMarker(o, intent)}`)!.owner);
    expect(new Set(tags).size).toBe(owners.length);
  });

  it("is read back only at the end of a comment, after a space", () => {
    const m = correlationMarker(owner, { comment: "c" });
    expect(markerOf(withMarker("INC-1: triage", m))?.marker).toBe(m);
    expect(markerOf(`${m} was here, by hand`)).toBeUndefined();
    expect(markerOf("started by an analyst in the portal")).toBeUndefined();
    expect(markerOf(null)).toBeUndefined();
  });

  it("leaves room in MDE's 1000 characters: a longer comment is refused before any call, naming the marker", () => {
    const m = correlationMarker(owner, { comment: "x" });
    expect(withMarker("x".repeat(MAX_DECLARED_COMMENT_LENGTH), m)).toHaveLength(1000);
    const ok = checkInputs({ machineId: "a".repeat(40), comment: "x".repeat(MAX_DECLARED_COMMENT_LENGTH), marker: m });
    expect(ok.failures).toEqual([]);
    const tooLong = checkInputs({ machineId: "a".repeat(40), comment: "x".repeat(MAX_DECLARED_COMMENT_LENGTH + 1), marker: m });
    expect(tooLong.failures).toEqual([{ property: "comment", reason: expect.stringMatching(/at most 987 characters.*correlation marker/) }]);
  });

  it("refuses a marker that is not one", () => {
    const r = checkInputs({ machineId: "a".repeat(40), comment: "c", marker: "[nope]" });
    expect(r.failures).toEqual([{ property: "marker", reason: expect.stringContaining("computed by InvestigationPackageCollection") }]);
  });
});
