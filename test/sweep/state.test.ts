/**
 * What a sweep stores per machine: small enough for a thousand machines in the checkpoint, parsed
 * back as written, corrupt fields named, and every status counted.
 */
import { countByStatus, type HeldEntry, heldEntries, parseSweepState } from "../../provider/sweep/state";
import { entry, id, SETTINGS, state } from "./helpers";

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
