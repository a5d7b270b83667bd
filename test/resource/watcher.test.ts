import type { MachineAction } from "../../provider/api/schemas";
import { ActionWatcher, scaledWatcherOptions, WaitTimeoutError } from "../../provider/resource/watcher";
import { FakeClock } from "../helpers/fakeClock";
import { fakeListEndpoint } from "../helpers/fakeListEndpoint";
import { collection } from "../helpers/machineActions";

/** A scripted list endpoint: the status of each action as a function of virtual time. */
function fakeList(clock: FakeClock, statusAt: (id: string, nowMs: number) => MachineAction["status"], createdMs = clock.now()) {
  return fakeListEndpoint(clock, "id", "ids", (ids) => ids.map((id) => action(id, statusAt(id, clock.now()), createdMs)));
}

const action = (id: string, status: MachineAction["status"], createdMs: number) => collection({ id, status, machineId: "m", createdMs });

const id = (n: number) => `00000000-0000-0000-0000-${String(n).padStart(12, "0")}`;

describe("ActionWatcher", () => {
  it("polls every 5 s while actions are young and reports each status change once", async () => {
    const clock = new FakeClock();
    const t0 = clock.now();
    const api = fakeList(clock, (_id, now) => (now - t0 < 12_000 ? "Pending" : now - t0 < 20_000 ? "InProgress" : "Succeeded"));
    const watcher = new ActionWatcher(api, clock);
    const changes: string[] = [];
    const done = watcher.waitForFinal(action(id(1), "Pending", t0), { deadlineMs: t0 + 3600_000, onChange: (a) => changes.push(a.status) });
    const final = await clock.runUntilSettled(done);
    expect(final.status).toBe("Succeeded");
    expect(changes).toEqual(["InProgress", "Succeeded"]);
    expect(api.calls.map((c) => c.at - t0)).toEqual([5_000, 10_000, 15_000, 20_000]);
  });

  it("covers many actions with one list call per 50 of them per interval", async () => {
    const clock = new FakeClock();
    const t0 = clock.now();
    const api = fakeList(clock, (_id, now) => (now - t0 < 10_000 ? "InProgress" : "Succeeded"));
    const watcher = new ActionWatcher(api, clock);
    const waits = Array.from({ length: 120 }, (_, i) => watcher.waitForFinal(action(id(i), "Pending", t0), { deadlineMs: t0 + 3600_000 }));
    await clock.runUntilSettled(Promise.all(waits));
    // 120 actions = 3 chunks; 3 chunks at 50 calls/min stretch the interval to 3.6 s... but never below 5 s.
    expect(api.calls.map((c) => [c.at - t0, c.ids.length])).toEqual([
      [5_000, 50], [5_000, 50], [5_000, 20],
      [10_000, 50], [10_000, 50], [10_000, 20],
    ]);
  });

  it("stretches the interval so polling uses at most 50 list calls a minute however many actions wait", async () => {
    const clock = new FakeClock();
    const t0 = clock.now();
    const api = fakeList(clock, () => "InProgress");
    const watcher = new ActionWatcher(api, clock);
    const ac = new AbortController();
    const waits = Array.from({ length: 1000 }, (_, i) =>
      watcher.waitForFinal(action(id(i), "Pending", t0), { deadlineMs: t0 + 3600_000, signal: ac.signal }).catch(() => undefined),
    );
    await clock.advance(60_000);
    ac.abort();
    await Promise.all(waits);
    // 1000 actions = 20 chunks; 20 calls per poll at 50 calls/min means one poll every 24 s.
    const polls = [...new Set(api.calls.map((c) => c.at - t0))];
    expect(polls).toEqual([24_000, 48_000]);
    expect(api.calls.length).toBe(40);
  });

  it("gives up at the deadline with the last status it saw", async () => {
    const clock = new FakeClock();
    const t0 = clock.now();
    const api = fakeList(clock, () => "Pending");
    const watcher = new ActionWatcher(api, clock);
    const done = watcher.waitForFinal(action(id(1), "Pending", t0), { deadlineMs: t0 + 12_000 });
    await expect(clock.runUntilSettled(done)).rejects.toBeInstanceOf(WaitTimeoutError);
    expect(api.calls.map((c) => c.at - t0)).toEqual([5_000, 10_000]);
    expect(watcher.watching).toBe(0);
  });

  it("slows down for actions that have been running for a long time", async () => {
    const clock = new FakeClock();
    const t0 = clock.now();
    const api = fakeList(clock, () => "Pending", t0 - 30 * 60_000);
    const watcher = new ActionWatcher(api, clock);
    const old = action(id(1), "Pending", t0 - 30 * 60_000);
    const done = watcher.waitForFinal(old, { deadlineMs: t0 + 100_000 });
    await expect(clock.runUntilSettled(done)).rejects.toBeInstanceOf(WaitTimeoutError);
    expect(api.calls.map((c) => c.at - t0)).toEqual([30_000, 60_000, 90_000]);
  });
});

describe("ActionWatcher under a time scale", () => {
  it("slows down as the wait goes on even when the API's clock runs ahead of ours (creation dated in our future)", async () => {
    const clock = new FakeClock();
    const t0 = clock.now();
    // An emulator at x60 dates a fresh action hours ahead of our clock.
    const createdMs = t0 + 10 * 3600_000;
    const api = fakeList(clock, () => "Pending", createdMs);
    const watcher = new ActionWatcher(api, clock, scaledWatcherOptions(60));
    const done = watcher.waitForFinal(action(id(1), "Pending", createdMs), { deadlineMs: t0 + 90_000 });
    await expect(clock.runUntilSettled(done)).rejects.toBeInstanceOf(WaitTimeoutError);
    const gaps = api.calls.map((c, i) => c.at - (i === 0 ? t0 : api.calls[i - 1].at));
    // 5 s, 15 s, 30 s, then 60 s of emulated time between polls: /60 on our clock.
    expect(new Set(gaps.map((g) => Math.round(g)))).toEqual(new Set([83, 250, 500, 1000]));
    expect(gaps[gaps.length - 1]).toBeCloseTo(1000, 0);
  });

  it("detaches its abort listener when a wait ends normally", async () => {
    const clock = new FakeClock();
    const t0 = clock.now();
    const api = fakeList(clock, (_id, now) => (now - t0 < 5_000 ? "Pending" : "Succeeded"));
    const watcher = new ActionWatcher(api, clock);
    const controller = new AbortController();
    const added: unknown[] = [];
    const removed: unknown[] = [];
    const signal = controller.signal;
    const add = signal.addEventListener.bind(signal);
    const remove = signal.removeEventListener.bind(signal);
    signal.addEventListener = ((type: string, fn: never, o?: never) => (added.push(fn), add(type, fn, o))) as typeof signal.addEventListener;
    signal.removeEventListener = ((type: string, fn: never, o?: never) => (removed.push(fn), remove(type, fn, o))) as typeof signal.removeEventListener;
    const final = await clock.runUntilSettled(watcher.waitForFinal(action(id(1), "Pending", t0), { deadlineMs: t0 + 60_000, signal }));
    expect(final.status).toBe("Succeeded");
    expect(added).toHaveLength(1);
    expect(removed).toEqual(added);
  });
});
