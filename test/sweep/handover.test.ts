/**
 * One machine's part of a sweep in virtual time, through the single collection's real lifecycle
 * (requestCollection / settleCollection, the watcher, the batched pre-check) over a scripted
 * MDE: a new round never adopts the previous round's collection, waits for it or cancels it
 * first, and gives up at the timeout without a POST; a failed machine is collected again.
 */
import type { MachineAction } from "../../provider/api/schemas";
import type { ListQuery } from "../../provider/api/collectionApi";
import type { ProviderContext } from "../../provider/resource/context";
import { CollectionFinder } from "../../provider/adoption/finder";
import { ActionWatcher } from "../../provider/resource/watcher";
import { type MachineJob, runMachine } from "../../provider/sweep/machine";
import { markerFor } from "../../provider/sweep/marker";
import type { SweepSettings } from "../../provider/sweep/state";
import { FakeClock } from "../helpers/fakeClock";
import { collection } from "../helpers/machineActions";

const MACHINE = "a".repeat(40);
const SETTINGS: SweepSettings = {
  sweepName: "inc-9", selection: "1 machine id", comment: "INC-9: round 2", triggers: {}, waitForCompletion: true,
  timeoutMinutes: 10, evidenceDirectory: null, cancelOnDelete: false, maxMachines: 10,
};
const marker = markerFor(SETTINGS)(MACHINE);
const oldMarker = markerFor({ ...SETTINGS, comment: "INC-9: round 1" })(MACHINE);

/** MDE as far as one machine goes: actions whose status follows virtual time. */
function scriptedMde(clock: FakeClock) {
  const actions = new Map<string, { a: MachineAction; finalAt: number }>();
  const log: string[] = [];
  const view = (id: string): MachineAction => {
    const { a, finalAt } = actions.get(id)!;
    return a.status === "Cancelled" || clock.now() < finalAt ? a : { ...a, status: "Succeeded" };
  };
  const add = (id: string, finalAt: number, comment: string) =>
    actions.set(id, {
      finalAt,
      a: collection({ id, status: "Pending", machineId: MACHINE, requestor: "app", requestorComment: comment, createdMs: clock.now() }),
    });
  const api = {
    async listMachineActions(q: ListQuery) {
      const ids = [...(q.filter ?? "").matchAll(/\bid eq '([^']+)'/g)].map((m) => m[1]);
      const all = [...actions.keys()].map(view);
      // The pre-check (after gathering others for 1 s) asks for the machine's collections in any status; the watcher for action ids.
      return ids.length > 0 ? all.filter((a) => ids.includes(a.id)) : all;
    },
    async collectInvestigationPackage(machineId: string, comment: string) {
      const id = `00000000-0000-4000-8000-00000000000${actions.size}`;
      log.push(`POST at ${(clock.now() - start) / 1000} s: ${comment}`);
      add(id, clock.now() + 65_000, comment);
      return { action: view(id), adopted: false };
    },
    async getMachineAction(id: string) {
      return view(id);
    },
    async cancelMachineAction(id: string) {
      log.push(`cancel ${id}`);
      const entry = actions.get(id)!;
      entry.a = { ...entry.a, status: "Cancelled" };
      return entry.a;
    },
  };
  const start = clock.now();
  return { api, add, log };
}

function context(clock: FakeClock, api: ReturnType<typeof scriptedMde>["api"]): ProviderContext {
  return {
    api: api as unknown as ProviderContext["api"],
    watcher: new ActionWatcher(api, clock),
    collections: new CollectionFinder(api, clock),
    releasedActions: new Set(),
    clock,
    timeScale: 1,
    log: () => undefined,
  };
}

const OLD = "00000000-0000-4000-8000-00000000000f";
const job = (over: Partial<MachineJob> = {}): MachineJob => ({
  machineId: MACHINE, marker, settings: SETTINGS,
  step: { kind: "replace", previous: { actionId: OLD, status: "Pending", marker: oldMarker } },
  ...over,
});

describe("a new round on a machine whose previous collection still runs", () => {
  it("waits for it to end, then requests a new collection carrying the new comment and marker, never adopting the old one", async () => {
    const clock = new FakeClock();
    const mde = scriptedMde(clock);
    mde.add(OLD, clock.now() + 120_000, `INC-9: round 1 ${oldMarker}`);
    const entry = await clock.runUntilSettled(runMachine(context(clock, mde.api), job()));
    expect(mde.log).toHaveLength(1);
    expect(mde.log[0]).toMatch(/^POST at 12\d(\.\d+)? s: INC-9: round 2 \[[a-z2-7]{5}\.[a-z2-7]{4}\]$/);
    expect(entry).toEqual({ actionId: expect.not.stringMatching(OLD), status: "Succeeded", marker });
  });

  it("with cancelOnDelete, cancels it and requests at once (after the pre-check's 1 s gathering)", async () => {
    const clock = new FakeClock();
    const mde = scriptedMde(clock);
    mde.add(OLD, clock.now() + 3600_000, "INC-9: round 1");
    const entry = await clock.runUntilSettled(runMachine(context(clock, mde.api), job({ settings: { ...SETTINGS, cancelOnDelete: true } })));
    expect(mde.log).toEqual([`cancel ${OLD}`, expect.stringMatching(/^POST at 1 s: INC-9: round 2 /)]);
    expect(entry).toMatchObject({ status: "Succeeded", marker });
  });

  it("keeps the old collection, and its round, when it outlasts the timeout: no POST", async () => {
    const clock = new FakeClock();
    const mde = scriptedMde(clock);
    mde.add(OLD, clock.now() + 3600_000, "INC-9: round 1");
    const entry = await clock.runUntilSettled(runMachine(context(clock, mde.api), job()));
    expect(mde.log).toEqual([]);
    expect(entry).toEqual({
      actionId: OLD, status: "Pending", marker: oldMarker,
      error: `the previous round's collection ${OLD} is still Pending after 10 minutes; the new round starts when it ends (or set cancelOnDelete to cancel it)`,
    });
  });
});

it("collects a failed machine again, and leaves a succeeded one alone", async () => {
  const clock = new FakeClock();
  const mde = scriptedMde(clock);
  const failed = await clock.runUntilSettled(runMachine(context(clock, mde.api), job({ step: { kind: "collect", previous: { actionId: OLD, status: "Failed", marker } } })));
  expect(mde.log).toHaveLength(1);
  expect(failed).toMatchObject({ status: "Succeeded", marker });
  const kept = { actionId: OLD, status: "Succeeded" as const, marker };
  expect(await runMachine(context(clock, mde.api), job({ step: { kind: "keep", entry: kept } }))).toBe(kept);
  expect(mde.log).toHaveLength(1);
});
