/**
 * Stored state: what 0.1.0 wrote is migrated (not cast), a corrupt field fails with its name
 * before any call, and a state from a newer version is refused.
 */
import { diffCollection } from "../../provider/resource/diff";
import { collectionProvider } from "../../provider/resource/collectionProvider";
import { parseStoredState, STATE_VERSION } from "../../provider/resource/state";

const ACTION = "7b1f0c52-3d6e-4a8b-9f21-5c0d8e4a1b23";

/** A resource's outputs exactly as pulumi-mde-forensics 0.1.0 stored them (from a 0.1.0 checkpoint). */
const STATE_0_1_0 = Object.freeze({
  machineId: "3d5312b6e9a0c1f4b7d8e2a9c6f0b1e3d4a5c6b7",
  computerDnsName: "win11-ws01.contoso.local",
  comment: "INC-1: triage",
  triggers: { round: "1" },
  waitForCompletion: true,
  timeoutMinutes: 60,
  evidenceDirectory: "/cases/inc-1",
  cancelOnDelete: false,
  actionId: ACTION,
  status: "Succeeded",
  adopted: false,
  requestor: "pulumi-mde-forensics@contoso.onmicrosoft.com",
  requestorComment: "INC-1: triage",
  creationDateTimeUtc: "2026-11-20T10:00:00.0000000Z",
  lastUpdateDateTimeUtc: "2026-11-20T10:01:05.0000000Z",
  errorHResult: 0,
  packagePath: "/cases/inc-1/3d5312b6e9a0c1f4b7d8e2a9c6f0b1e3d4a5c6b7-7b1f0c52-3d6e-4a8b-9f21-5c0d8e4a1b23.zip",
  packageSha256: "9f".repeat(32),
  packageSizeBytes: 48213,
  manifestPath: "/cases/inc-1/3d5312b6e9a0c1f4b7d8e2a9c6f0b1e3d4a5c6b7-7b1f0c52-3d6e-4a8b-9f21-5c0d8e4a1b23.json",
  __provider: "exports.handler = __f0; ...",
});

describe("stored state", () => {
  it(`migrates what 0.1.0 stored to version ${STATE_VERSION}, keeping every value and the provider beside it`, () => {
    const { outputs, provider } = parseStoredState(ACTION, { ...STATE_0_1_0 });
    const { __provider, ...old } = STATE_0_1_0;
    expect(outputs).toEqual({ ...old, stateVersion: STATE_VERSION, marker: null });
    expect(provider).toBe(__provider);
  });

  it("reads a null Pulumi dropped on its way through state as null", () => {
    const { computerDnsName, errorHResult, lastUpdateDateTimeUtc, ...rest } = STATE_0_1_0;
    const { outputs } = parseStoredState(ACTION, rest);
    expect(outputs).toMatchObject({ computerDnsName: null, errorHResult: null, lastUpdateDateTimeUtc: null });
  });

  it.each([
    ["status", { status: "Done" }, /field 'status'/],
    ["actionId", { actionId: undefined }, /field 'actionId'/],
    ["timeoutMinutes", { timeoutMinutes: "60" }, /field 'timeoutMinutes'/],
    ["triggers", { triggers: { round: 2 } }, /field 'triggers\.round'/],
    ["packageSha256", { packageSha256: "not-a-hash" }, /field 'packageSha256'/],
    ["marker", { stateVersion: 1, marker: "[x]" }, /field 'marker'/],
  ])("names the corrupt field (%s) and says how to repair it", (_field, change, pattern) => {
    expect(() => parseStoredState(ACTION, { ...STATE_0_1_0, ...change })).toThrow(pattern);
    expect(() => parseStoredState(ACTION, { ...STATE_0_1_0, ...change })).toThrow(/pulumi stack export.*pulumi state delete/);
  });

  it("refuses a state written by a newer version instead of guessing", () => {
    expect(() => parseStoredState(ACTION, { ...STATE_0_1_0, stateVersion: STATE_VERSION + 1 })).toThrow(/newer pulumi-mde-forensics/);
  });

  it("diffs a 0.1.0 state against the same declaration, now carrying a marker, as no change", async () => {
    const news = { machineId: STATE_0_1_0.machineId, comment: "INC-1: triage", triggers: { round: "1" }, evidenceDirectory: "/cases/inc-1", marker: "[abcde.fghi]" };
    expect(await collectionProvider.diff!(ACTION, { ...STATE_0_1_0 }, news)).toEqual({ changes: false, replaces: [], deleteBeforeReplace: false });
    expect(diffCollection(parseStoredState(ACTION, { ...STATE_0_1_0 }).outputs, { ...news, comment: "INC-1: round 2" }).replaces).toEqual(["comment"]);
  });

  it("fails diff, read, update and delete on corrupt state before any call to MDE", async () => {
    const corrupt = { ...STATE_0_1_0, status: 42 };
    const inputs = { machineId: STATE_0_1_0.machineId, comment: "INC-1: triage" };
    await expect(collectionProvider.diff!(ACTION, corrupt, inputs)).rejects.toThrow(/field 'status'/);
    await expect(collectionProvider.read!(ACTION, corrupt)).rejects.toThrow(/field 'status'/);
    await expect(collectionProvider.update!(ACTION, corrupt, inputs)).rejects.toThrow(/field 'status'/);
    await expect(collectionProvider.delete!(ACTION, corrupt)).rejects.toThrow(/field 'status'/);
  });
});
