/**
 * How a create sorts a device's collections: its own (resume), an earlier round of the same
 * resource (never adopt), someone else's running one (adopt), and the lost-reply pick.
 */
import { createdByRequest, newestRunning } from "../../provider/api/collections";
import { classify } from "../../provider/adoption/candidates";
import { correlationMarker, withMarker } from "../../provider/adoption/marker";
import type { MachineAction } from "../../provider/api/schemas";
import { collection } from "../helpers/machineActions";

const M = "a".repeat(40);
const T0 = Date.UTC(2026, 0, 1);
const owner = ["p", "s", "InvestigationPackageCollection", "ws01"];
const round1 = correlationMarker(owner, { comment: "INC-1", triggers: { round: "1" } });
const round2 = correlationMarker(owner, { comment: "INC-1", triggers: { round: "2" } });
const otherResource = correlationMarker(["p", "s", "InvestigationPackageCollection", "ws02"], { comment: "INC-1", triggers: { round: "2" } });

const action = (id: string, status: MachineAction["status"], comment: string | null, minutes: number, machineId = M) =>
  collection({ id, status, machineId, requestorComment: comment, createdMs: T0 + minutes * 60_000 });

describe("classify", () => {
  it("finds its own collection in any status MDE lists except a failed one, and calls it own", () => {
    for (const status of ["Pending", "InProgress", "Succeeded"] as const) {
      expect(classify([action("own", status, withMarker("INC-1", round2), 5)], M, round2).own?.id).toBe("own");
    }
    for (const status of ["Failed", "TimeOut", "Cancelled"] as const) {
      expect(classify([action("own", status, withMarker("INC-1", round2), 5)], M, round2)).toEqual({});
    }
  });

  it("never offers the earlier round of the same resource for adoption, even while it runs", () => {
    const found = classify([action("old", "InProgress", withMarker("INC-1", round1), 1)], M, round2);
    expect(found).toEqual({ previous: expect.objectContaining({ id: "old" }) });
  });

  it("adopts what someone else runs on the device: a portal collection or another resource's", () => {
    expect(classify([action("portal", "Pending", "started by an analyst", 1)], M, round2).foreign?.id).toBe("portal");
    expect(classify([action("twin", "InProgress", withMarker("INC-1", otherResource), 1)], M, round2).foreign?.id).toBe("twin");
    expect(classify([action("twin", "Succeeded", withMarker("INC-1", otherResource), 1)], M, round2)).toEqual({});
  });

  it("treats a collection released by a deleted resource like an earlier round, marker or not", () => {
    const found = classify([action("held", "InProgress", "adopted from the portal", 1)], M, round2, new Set(["held"]));
    expect(found).toEqual({ previous: expect.objectContaining({ id: "held" }) });
  });

  it("takes the newest of each kind and ignores other machines and action types", () => {
    const found = classify(
      [
        action("old-1", "Succeeded", withMarker("INC-1", round1), 1),
        action("old-2", "Succeeded", withMarker("INC-1", round1), 2),
        action("elsewhere", "Pending", withMarker("INC-1", round2), 9, "b".repeat(40)),
        { ...action("isolate", "Pending", withMarker("INC-1", round2), 9), type: "Isolate" },
      ],
      M.toUpperCase(),
      round2,
    );
    expect(found).toEqual({ previous: expect.objectContaining({ id: "old-2" }) });
  });
});

describe("after a POST", () => {
  const comment = withMarker("INC-1", round2);

  it("settles a lost reply with the collection carrying exactly its comment, even one that already finished", () => {
    const listed = [action("ours", "Succeeded", comment, 10), action("portal", "InProgress", "analyst", 11)];
    expect(createdByRequest(listed, M, comment, T0 + 9 * 60_000)?.id).toBe("ours");
    expect(createdByRequest(listed, M, comment, T0 + 11 * 60_000)).toBeUndefined(); // created before the request: not by it
  });

  it("adopts the newest running collection on 'already running'", () => {
    const listed = [action("a", "InProgress", "x", 1), action("b", "Pending", "y", 2), action("c", "Succeeded", "z", 3)];
    expect(newestRunning(listed, M)?.id).toBe("b");
  });
});
