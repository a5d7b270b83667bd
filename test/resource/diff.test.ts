import { diffCollection } from "../../provider/resource/diff";
import { UNKNOWN } from "../../provider/resource/inputs";

const MACHINE = "3d538859b507c85ca5b30614fffe50911de8a9e1";
const olds = {
  machineId: MACHINE,
  computerDnsName: "desktop-01.contoso.com",
  comment: "INC-1",
  triggers: { round: "1" },
  waitForCompletion: true,
  timeoutMinutes: 60,
  evidenceDirectory: null,
  cancelOnDelete: false,
  actionId: "5382f7ea-7557-4ab7-9782-d50480024a4e",
  status: "Succeeded" as const,
  __provider: "old code",
};
const news = { machineId: MACHINE, comment: "INC-1", triggers: { round: "1" }, waitForCompletion: true, timeoutMinutes: 60, cancelOnDelete: false, __provider: "new code" };

describe("diff", () => {
  it("reports no change when only the provider's code changed", () => {
    expect(diffCollection(olds, news)).toEqual({ changes: false, replaces: [], deleteBeforeReplace: false });
  });

  it.each([
    ["machineId", { machineId: "ffffffffffffffffffffffffffffffffffffffff" }, "machineId"],
    ["comment", { comment: "INC-2" }, "comment"],
    ["triggers", { triggers: { round: "2" } }, "triggers"],
    ["an added trigger", { triggers: { round: "1", analyst: "kim" } }, "triggers"],
    ["a machine id not known yet", { machineId: UNKNOWN }, "machineId"],
  ])("replaces the collection when %s changes", (_what, change, key) => {
    const d = diffCollection(olds, { ...news, ...change });
    expect(d.changes).toBe(true);
    expect(d.replaces).toEqual([key]);
  });

  it("treats a device name that matches the one MDE reported as the same device", () => {
    const { machineId, ...byName } = news;
    expect(diffCollection(olds, { ...byName, computerDnsName: "DESKTOP-01.contoso.com" }).replaces).toEqual([]);
    expect(diffCollection(olds, { ...byName, computerDnsName: "desktop-02.contoso.com" }).replaces).toEqual(["computerDnsName"]);
  });

  it.each([
    ["waitForCompletion", false],
    ["timeoutMinutes", 120],
    ["evidenceDirectory", "/evidence"],
    ["cancelOnDelete", true],
  ])("updates %s in place", (key, value) => {
    expect(diffCollection(olds, { ...news, [key]: value })).toEqual({ changes: true, replaces: [], deleteBeforeReplace: false });
  });

  it.each(["Failed", "TimeOut", "Cancelled"] as const)("starts a new collection after one that ended %s", (status) => {
    expect(diffCollection({ ...olds, status }, news).replaces).toEqual(["status"]);
  });

  it("resumes waiting for a collection that is still running", () => {
    expect(diffCollection({ ...olds, status: "InProgress" }, news)).toEqual({ changes: true, replaces: [], deleteBeforeReplace: false });
    expect(diffCollection({ ...olds, status: "InProgress", waitForCompletion: false }, { ...news, waitForCompletion: false }).changes).toBe(false);
  });

  it("deletes a running collection before requesting its replacement, since a device runs one at a time", () => {
    expect(diffCollection({ ...olds, status: "Pending" }, { ...news, comment: "INC-2" }).deleteBeforeReplace).toBe(true);
  });
});
