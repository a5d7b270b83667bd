import { getSharedLimiter, SlidingWindowLimiter } from "../../provider/api/limiter";
import type { ApiFamily } from "../../provider/api/quotas";
import { FakeClock } from "../helpers/fakeClock";

function track(clock: FakeClock, p: Promise<void>, log: number[]): Promise<void> {
  return p.then(() => {
    log.push(clock.now() - START);
  });
}
const START = Date.UTC(2026, 0, 1);

/** A limiter at START whose GetPackageUri quota (2 a minute) the first two calls have used up. */
async function packageUriSpent(): Promise<{ clock: FakeClock; limiter: SlidingWindowLimiter }> {
  const clock = new FakeClock(START);
  const limiter = new SlidingWindowLimiter({ clock });
  await limiter.acquire("packageUri");
  await limiter.acquire("packageUri");
  return { clock, limiter };
}

describe("SlidingWindowLimiter in virtual time", () => {
  it("lets two GetPackageUri calls through and holds the third exactly 60 000 ms", async () => {
    const clock = new FakeClock(START);
    const waits: [ApiFamily, number][] = [];
    const limiter = new SlidingWindowLimiter({ clock, onWait: (f, ms) => waits.push([f, ms]) });
    const granted: number[] = [];
    const all = Promise.all([1, 2, 3].map(() => track(clock, limiter.acquire("packageUri"), granted)));
    await clock.runUntilSettled(all);
    expect(granted).toEqual([0, 0, 60_000]);
    expect(waits).toEqual([["packageUri", 60_000]]);
    expect(clock.sleeps).toEqual([60_000]);
  });

  it("tells each queued caller its own exact wait, in FIFO order", async () => {
    const clock = new FakeClock(START);
    const limiter = new SlidingWindowLimiter({ clock });
    const told: number[] = [];
    const granted: number[] = [];
    const all = Promise.all(
      [1, 2, 3, 4, 5].map(() => track(clock, limiter.acquire("packageUri", undefined, (_f, ms) => told.push(ms)), granted)),
    );
    await clock.runUntilSettled(all);
    expect(told).toEqual([60_000, 60_000, 120_000]);
    expect(granted).toEqual([0, 0, 60_000, 60_000, 120_000]);
  });

  it("enforces the hourly window: the 151st call of a 100/min, 150/h quota waits for the hour", async () => {
    const clock = new FakeClock(START);
    const limiter = new SlidingWindowLimiter({ clock, quotas: { read: { perMinute: 100, perHour: 150 } } });
    const granted: number[] = [];
    const all = Promise.all(Array.from({ length: 151 }, () => track(clock, limiter.acquire("read"), granted)));
    await clock.runUntilSettled(all);
    expect(granted.filter((t) => t === 0)).toHaveLength(100);
    expect(granted.filter((t) => t === 60_000)).toHaveLength(50);
    expect(granted.at(-1)).toBe(3_600_000);
  });

  it("shrinks the windows with timeScale", async () => {
    const clock = new FakeClock(START);
    const limiter = new SlidingWindowLimiter({ clock, timeScale: 60 });
    const granted: number[] = [];
    await clock.runUntilSettled(Promise.all([1, 2, 3].map(() => track(clock, limiter.acquire("packageUri"), granted))));
    expect(granted).toEqual([0, 0, 1000]);
  });

  it("keeps families independent: an exhausted GetPackageUri quota does not delay reads", async () => {
    const { clock, limiter } = await packageUriSpent();
    const third = limiter.acquire("packageUri");
    await expect(limiter.acquire("read")).resolves.toBeUndefined();
    expect(clock.now()).toBe(START);
    await clock.runUntilSettled(third);
  });

  it("drops an aborted waiter from the queue and rejects it with the abort reason", async () => {
    const { clock, limiter } = await packageUriSpent();
    const ac = new AbortController();
    const aborted = limiter.acquire("packageUri", ac.signal);
    const granted: number[] = [];
    const next = track(clock, limiter.acquire("packageUri"), granted);
    ac.abort(new Error("deployment cancelled"));
    await expect(aborted).rejects.toThrow("deployment cancelled");
    await clock.runUntilSettled(next);
    expect(granted).toEqual([60_000]); // it took the aborted caller's place
  });

  it("leaves no timer behind when every waiter gives up", async () => {
    const { clock, limiter } = await packageUriSpent();
    const ac = new AbortController();
    const waiting = limiter.acquire("packageUri", ac.signal);
    await clock.advance(0);
    expect(clock.pending).toBe(1);
    ac.abort(new Error("stop"));
    await expect(waiting).rejects.toThrow("stop");
    await clock.advance(0);
    expect(clock.pending).toBe(0);
  });

  it("is shared per settings key through globalThis, even when the module is loaded twice", () => {
    const clock = new FakeClock(START);
    const a = getSharedLimiter("tenant-a", { clock });
    let fromOtherCopy: unknown;
    jest.isolateModules(() => {
      // A second, independent copy of the module, as a program that installs the package twice loads.
      const other = require("../../provider/api/limiter") as typeof import("../../provider/api/limiter");
      expect(other.SlidingWindowLimiter).not.toBe(SlidingWindowLimiter);
      fromOtherCopy = other.getSharedLimiter("tenant-a", { clock });
    });
    expect(fromOtherCopy).toBe(a);
    expect(getSharedLimiter("tenant-b", { clock })).not.toBe(a);
  });
});
