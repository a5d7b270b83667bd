/**
 * requestCollection in virtual time, against a scripted device: what a create does with each
 * kind of collection it finds, counted in POSTs, and what it writes to the custody log.
 * (The same paths run through the real engine in test/engine/collection.test.ts and
 * collectionResume.test.ts.)
 */
import { correlationMarker, withMarker } from "../../provider/adoption/marker";
import type { MachineAction } from "../../provider/api/schemas";
import type { ListQuery } from "../../provider/api/collectionApi";
import type { ProviderContext } from "../../provider/resource/context";
import { KnownInputsSchema } from "../../provider/resource/inputs";
import { deadlineFor, requestCollection, ResourceInitError, settleCollection } from "../../provider/resource/lifecycle";
import { ActionWatcher } from "../../provider/resource/watcher";
import { FakeClock } from "../helpers/fakeClock";
import { collection } from "../helpers/machineActions";

const M = "c".repeat(40);
const owner = ["p", "s", "InvestigationPackageCollection", "ws01"];
const round1 = correlationMarker(owner, { comment: "INC-1 round 1" });
const round2 = correlationMarker(owner, { comment: "INC-1 round 2" });

const action = (id: string, status: MachineAction["status"], comment: string | null, createdMs: number) =>
  collection({ id, status, machineId: M, requestorComment: comment, createdMs });

/** A device whose collections' statuses are functions of virtual time. */
function device(clock: FakeClock, listed: Array<{ a: MachineAction; statusAt?: (now: number) => MachineAction["status"] }>) {
  const now = (x: (typeof listed)[number]) => ({ ...x.a, status: x.statusAt?.(clock.now()) ?? x.a.status });
  const posts: string[] = [];
  const custody: Array<{ event: string; actionId?: string; extra?: unknown }> = [];
  const api = {
    async listMachineActions(q: ListQuery) {
      const ids = [...(q.filter ?? "").matchAll(/id eq '([^']+)'/g)].map((m) => m[1]);
      return listed.map(now).filter((a) => ids.includes(a.id));
    },
    async collectInvestigationPackage(_machineId: string, comment: string) {
      posts.push(comment);
      return { action: action(`new-${posts.length}`, "Pending", comment, clock.now()), adopted: false };
    },
  };
  const ctx = {
    api,
    clock,
    timeScale: 1,
    log: () => undefined,
    watcher: new ActionWatcher(api, clock),
    collections: { find: async () => listed.map(now) },
    releasedActions: new Set<string>(),
    evidence: {
      preflight: async () => undefined,
      fetch: async () => { throw new Error("not in these tests"); },
      record: async (_dir: string, event: string, outs: { actionId?: string }, extra?: unknown) => { custody.push({ event, actionId: outs.actionId, extra }); },
    },
  } as unknown as ProviderContext;
  return { ctx, posts, custody };
}

const inputs = (over: Record<string, unknown> = {}) =>
  KnownInputsSchema.parse({ machineId: M, comment: "INC-1 round 2", marker: round2, evidenceDirectory: "/cases/inc-1", ...over });

describe("requestCollection", () => {
  it("resumes its own collection found by marker, even one that already Succeeded: zero POSTs, not adopted", async () => {
    const clock = new FakeClock();
    const d = device(clock, [{ a: action("mine", "Succeeded", withMarker("INC-1 round 2", round2), clock.now() - 60_000) }]);
    const outs = await requestCollection(d.ctx, inputs(), {});
    expect(outs).toMatchObject({ actionId: "mine", adopted: false, status: "Succeeded", marker: round2 });
    expect(d.posts).toEqual([]);
    expect(d.custody.map((c) => c.event)).toEqual(["resumed"]);
  });

  it("waits for a running earlier round of the same resource, then requests the new one with its marker, and records the old one superseded", async () => {
    const clock = new FakeClock();
    const t0 = clock.now();
    const old = action("old", "InProgress", withMarker("INC-1 round 1", round1), t0 - 60_000);
    const d = device(clock, [{ a: old, statusAt: (now) => (now - t0 < 40_000 ? "InProgress" : "Succeeded") }]);
    const outs = await clock.runUntilSettled(requestCollection(d.ctx, inputs(), {}, { deadlineMs: deadlineFor(d.ctx, 60) }));
    expect(clock.now() - t0).toBeGreaterThanOrEqual(40_000);
    expect(d.posts).toEqual([`INC-1 round 2 ${round2}`]);
    expect(outs).toMatchObject({ actionId: "new-1", adopted: false, requestorComment: `INC-1 round 2 ${round2}` });
    expect(d.custody).toEqual([
      { event: "requested", actionId: "new-1", extra: undefined },
      { event: "superseded", actionId: "old", extra: { supersededBy: "new-1", supersededByComment: `INC-1 round 2 ${round2}` } },
    ]);
  });

  it("gives up at the deadline without requesting, saying why and what to change", async () => {
    const clock = new FakeClock();
    const old = action("old", "Pending", withMarker("INC-1 round 1", round1), clock.now());
    const d = device(clock, [{ a: old }]);
    const request = requestCollection(d.ctx, inputs({ timeoutMinutes: 2 }), {}, { deadlineMs: deadlineFor(d.ctx, 2) });
    await expect(clock.runUntilSettled(request)).rejects.toThrow(/still Pending after 2 minutes, so the new round was not requested.*cancelOnDelete/);
    expect(d.posts).toEqual([]);
  });

  it("waits for, and never adopts, a collection the replaced resource held, marker or not", async () => {
    const clock = new FakeClock();
    const t0 = clock.now();
    const held = action("held", "InProgress", "adopted from the portal", t0 - 60_000);
    const d = device(clock, [{ a: held, statusAt: (now) => (now - t0 < 10_000 ? "InProgress" : "Cancelled") }]);
    d.ctx.releasedActions.add("held");
    const outs = await clock.runUntilSettled(requestCollection(d.ctx, inputs(), {}));
    expect(clock.now() - t0).toBeGreaterThanOrEqual(10_000);
    expect(outs).toMatchObject({ actionId: "new-1", adopted: false });
  });

  it("adopts someone else's running collection, as before", async () => {
    const clock = new FakeClock();
    const d = device(clock, [{ a: action("portal", "InProgress", "started by an analyst", clock.now()) }]);
    const outs = await requestCollection(d.ctx, inputs(), {});
    expect(outs).toMatchObject({ actionId: "portal", adopted: true, marker: null });
    expect(d.posts).toEqual([]);
    expect(d.custody.map((c) => c.event)).toEqual(["adopted"]);
  });

  it("requests anew after its own collection failed", async () => {
    const clock = new FakeClock();
    const d = device(clock, [{ a: action("mine", "Failed", withMarker("INC-1 round 2", round2), clock.now()) }]);
    expect((await requestCollection(d.ctx, inputs(), {})).actionId).toBe("new-1");
  });

  it("refuses inputs without a marker before any call", async () => {
    const clock = new FakeClock();
    const d = device(clock, []);
    await expect(requestCollection(d.ctx, inputs({ marker: undefined }), {})).rejects.toThrow(/marker is missing/);
    expect(d.posts).toEqual([]);
  });
});

describe("settleCollection", () => {
  it("keeps 'ended Failed' and the action id when the custody log cannot be written", async () => {
    const clock = new FakeClock();
    const d = device(clock, [{ a: action("mine", "Failed", withMarker("INC-1 round 2", round2), clock.now()) }]);
    const outs = await requestCollection(d.ctx, inputs(), {});
    const failed = { ...outs, status: "Failed" as const, errorHResult: -2147467259 };
    d.ctx.evidence!.record = async () => { throw new Error("EIO: i/o error"); };
    const err = await settleCollection(d.ctx, failed, { __provider: "p" }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ResourceInitError);
    expect((err as ResourceInitError).id).toBe(outs.actionId);
    expect((err as Error).message).toMatch(/ended Failed with errorHResult -2147467259.*custody log could not be written: EIO/);
  });
});
