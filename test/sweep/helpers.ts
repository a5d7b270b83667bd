/**
 * What the sweep's unit suites share: 40-hex machine ids by number, one sweep's settings, its
 * entries as stored per machine, the state they make, and the inputs of an update.
 */
import { markerFor } from "../../provider/sweep/marker";
import { type HeldEntry, type SweepSettings, type SweepState, stateOf } from "../../provider/sweep/state";

export const id = (n: number) => n.toString(16).padStart(40, "0");
export const SETTINGS: SweepSettings = {
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
export const markerOf = markerFor(SETTINGS);
export const entry = (n: number, status: HeldEntry["status"], extra: Partial<HeldEntry> = {}): HeldEntry => ({
  actionId: `00000000-0000-4000-8000-${n.toString(16).padStart(12, "0")}`,
  status,
  marker: markerOf(id(n)),
  ...extra,
});
export const state = (machines: Record<string, HeldEntry>, settings: SweepSettings = SETTINGS): SweepState => stateOf(settings, machines);
export const inputs = (ns: number[], over: Partial<SweepSettings> = {}) => ({ ...SETTINGS, ...over, machineIds: ns.map(id) });
