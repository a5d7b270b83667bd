/**
 * Answered calls give their margin back (slotNews.ts, document.ts `settle`): what each runner
 * learns of its own slots is written into the ledger, so a window costs the latency the calls
 * really had. Attacked the way it could break: arrivals (what MDE counts), not grants, are
 * checked against the quota, with latencies up to the margin and runners that finish early.
 */
import { emptyLedger, type LedgerPolicy, reserve } from "../../../provider/api/ledger/document";
import { LedgerSlotSource } from "../../../provider/api/ledger/ledgerSlots";
import { SlotNewsBook, settle } from "../../../provider/api/ledger/slotNews";
import { SlidingWindowLimiter } from "../../../provider/api/limiter";
import { MDE_QUOTAS, windowsFor } from "../../../provider/api/quotas";
import { busiest } from "../../helpers/busiest";
import { FakeClock } from "../../helpers/fakeClock";
import { MemoryLedgerStore } from "../../helpers/memoryLedgerStore";

const T0 = Date.UTC(2026, 0, 1);
const MARGIN = 2_000;
const SKEW = 250;
const policy: LedgerPolicy = { windows: windowsFor(MDE_QUOTAS.collect), marginMs: MARGIN, skewMs: SKEW, leaseMs: 15_000, batch: 100 };
const empty = () => emptyLedger("collect", { ...MDE_QUOTAS.collect, timeScale: 1 });

describe("settle", () => {
  it("moves an answered slot to its reply plus the skew, less the margin, and the 101st slot follows the reply, not the margin", () => {
    const { doc } = reserve(empty(), "a", 100, 0, T0, policy);
    const answered = Array.from({ length: 100 }, () => [T0, T0 + 300] as const);
    const settled = settle(doc, "a", { answered, unsent: [] }, policy);
    expect(settled.grants.every(([t]) => t === T0 + 300 + SKEW - MARGIN)).toBe(true);
    // Before: the minute plus the whole margin after the slot; after: the minute after the reply, plus the skew.
    expect(reserve(doc, "a", 1, 0, T0 + 10_000, policy).slots).toEqual([T0 + 60_000 + MARGIN]);
    expect(reserve(settled, "a", 1, 0, T0 + 10_000, policy).slots).toEqual([T0 + 60_000 + 300 + SKEW]);
  });

  it("never moves a slot later, gives each of several grants at one instant its own answer, drops unsent slots, and leaves other runners' grants alone", () => {
    const doc = { ...empty(), grants: [[T0, "a"], [T0, "a"], [T0, "b"], [T0 + 1_000, "a"]] as Array<[number, string]> };
    // A reply later than the margin (a slow link): the slot keeps its instant, so its full margin.
    const settled = settle(doc, "a", { answered: [[T0, T0 + 100], [T0, T0 + 5_000]], unsent: [T0 + 1_000] }, policy);
    expect(settled.grants).toEqual([[T0 + 100 + SKEW - MARGIN, "a"], [T0, "a"], [T0, "b"]]);
    expect(settle(doc, "a", { answered: [], unsent: [] }, policy)).toBe(doc);
  });
});

describe("SlotNewsBook", () => {
  it("pairs answers with the slots their calls went on, and forgets only what a landed write carried", () => {
    const book = new SlotNewsBook();
    book.sent(10, 5);
    book.sent(10, 6);
    expect(book.inFlight).toBe(2);
    expect(book.replied(10, 40)).toBe(true);
    expect(book.replied(99, 40)).toBe(false);
    const carried = book.pending();
    book.replied(10, 50);
    book.neverSent([7]);
    book.written(carried);
    expect(book.pending()).toEqual({ answered: [[6, 50]], unsent: [7] });
    expect(book.inFlight).toBe(0);
  });
});

describe("runners whose calls are answered", () => {
  /** A runner whose calls MDE counts `arrivalMs(i)` after the grant and answers `replyMs` later; records arrivals. */
  function runner(clock: FakeClock, store: MemoryLedgerStore, holder: string, arrivals: number[], arrivalMs: (i: number) => number, replyMs = 50) {
    const slots = new LedgerSlotSource({ store, holder, clock, documentName: (f) => `t/c/${f}.json`, logger: { info: () => undefined, warn: () => undefined }, marginMs: MARGIN, skewMs: SKEW, random: () => 0.5 });
    const limiter = new SlidingWindowLimiter({ clock, slots });
    const send = (n: number) =>
      Promise.all(
        Array.from({ length: n }, async (_, i) => {
          const done = await limiter.acquireLease("collect");
          await clock.sleep(arrivalMs(i));
          arrivals.push(clock.now() - T0);
          await clock.sleep(replyMs);
          done();
        }),
      );
    return { slots, send };
  }

  it("keeps what MDE counts within 100 a minute with latencies up to half the margin, and the windows follow the replies", async () => {
    const clock = new FakeClock(T0);
    const store = new MemoryLedgerStore();
    const arrivals: number[] = [];
    // Latencies that differ call by call, up to half the margin (what a runner may be late by).
    const runners = ["a", "b", "c", "d"].map((id, k) => runner(clock, store, id, arrivals, (i) => ((i * 37 + k * 101) % 10) * (MARGIN / 20)));
    await clock.runUntilSettled(Promise.all(runners.map((r) => r.send(250))));
    expect(arrivals).toHaveLength(1000);
    expect(busiest(arrivals, 60_000)).toBeLessThanOrEqual(100);
    // Nine windows; each costs the calls' real latency and the skew (at most 1.1 s here), not the whole 2 s margin.
    expect(Math.max(...arrivals)).toBeLessThan(540_000 + 9 * MARGIN);
  });

  it("a runner that finished announces no demand: the one still waiting gets the whole next window", async () => {
    const clock = new FakeClock(T0);
    const store = new MemoryLedgerStore();
    const arrivals: number[] = [];
    const done = runner(clock, store, "done", arrivals, () => 100);
    await clock.runUntilSettled(done.send(100));
    // Its last write (the burst's answers) says it waits for nothing more.
    expect(store.parsed("t/c/collect.json")!.holders.done.demand).toBe(0);
    const late = runner(clock, store, "late", arrivals, () => 100);
    await clock.runUntilSettled(late.send(100));
    // The first 100 answered at 150 ms: the next 100 from 150 ms + the skew after the minute, in one burst.
    expect(arrivals.slice(100).every((t) => t >= 60_000 + 150 + SKEW && t < 60_000 + 150 + SKEW + 1_000)).toBe(true);
  });
});
