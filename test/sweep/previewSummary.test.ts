/**
 * The line a pull-request reviewer reads for a sweep's preview: machines added, removed and
 * collected again, each by device name (the id when no name is known), at most ten per group.
 */
import { previewSummary } from "../../provider/sweep/previewSummary";
import { stateOf } from "../../provider/sweep/state";
import { id } from "./helpers";
import { markerFor } from "../../provider/sweep/marker";

const settings = { sweepName: "inc-9", selection: "tag 'finance'", comment: "INC-9", triggers: {}, waitForCompletion: true, timeoutMinutes: 60, evidenceDirectory: null, cancelOnDelete: false, maxMachines: 1000 };
const name = (n: number) => `fin-ws-${n}.contoso.local`;

function stateWith(ns: number[], status: "Succeeded" | "Failed" = "Succeeded") {
  const marker = markerFor(settings);
  const machines = Object.fromEntries(ns.map((n) => [id(n), { actionId: `a-${n}`, status, marker: marker(id(n)) }]));
  return { ...stateOf(settings, machines), devices: Object.fromEntries(ns.map((n) => [id(n), name(n)])) };
}
const inputsFor = (ns: number[], over: Partial<typeof settings> = {}) => ({ ...settings, ...over, machineIds: ns.map(id).sort() });
const devicesFor = (ns: number[]) => Object.fromEntries(ns.map((n) => [id(n), name(n)]));

it("names the machines added and removed, by device name", () => {
  expect(previewSummary(stateWith([1, 2, 3]), inputsFor([2, 3, 4]), devicesFor([2, 3, 4]))).toBe(
    "InvestigationSweep 'inc-9': +1 added: fin-ws-4.contoso.local; -1 removed: fin-ws-1.contoso.local (collections left as they are)",
  );
});

it("names the machines a new round or a failed attempt collects again, and says nothing when nothing changes", () => {
  expect(previewSummary(stateWith([1, 2]), inputsFor([1, 2], { triggers: { round: "2" } }), devicesFor([1, 2]))).toBe(
    "InvestigationSweep 'inc-9': ~2 collected again: fin-ws-1.contoso.local, fin-ws-2.contoso.local",
  );
  expect(previewSummary(stateWith([5], "Failed"), inputsFor([5]), devicesFor([5]))).toBe("InvestigationSweep 'inc-9': ~1 collected again: fin-ws-5.contoso.local");
  expect(previewSummary(stateWith([1, 2]), inputsFor([1, 2]), devicesFor([1, 2]))).toBeUndefined();
});

it("lists ten names per group, then how many more", () => {
  const many = Array.from({ length: 14 }, (_, i) => i + 10);
  expect(previewSummary(stateWith([1]), inputsFor([1, ...many]), devicesFor([1, ...many]))).toBe(
    `InvestigationSweep 'inc-9': +14 added: ${many.slice(0, 10).map(name).join(", ")} and 4 more`,
  );
});
