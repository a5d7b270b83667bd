/**
 * Runners sharing one quota through the ledger, in virtual time: several limiters (one per
 * "process") on one FakeClock and one in-memory store with the blob's compare-and-swap.
 */
import { LedgerSlotSource, type LedgerSlotOptions } from "../../../provider/api/ledger/ledgerSlots";
import { QuotaLedgerError } from "../../../provider/api/ledger/store";
import { SlidingWindowLimiter } from "../../../provider/api/limiter";
import type { ApiFamily } from "../../../provider/api/quotas";
import { busiest } from "../../helpers/busiest";
import { FakeClock } from "../../helpers/fakeClock";
import { MemoryLedgerStore } from "../../helpers/memoryLedgerStore";

const T0 = Date.UTC(2026, 0, 1);
const MARGIN = 2_000;

function runner(clock: FakeClock, store: MemoryLedgerStore, holder: string, extra: Partial<LedgerSlotOptions> = {}) {
  const warnings: string[] = [];
  const slots = new LedgerSlotSource({ store, holder, clock, documentName: (f) => `t/c/${f}.json`, logger: { info: () => undefined, warn: (m) => warnings.push(m) }, marginMs: MARGIN, random: () => 0.5, ...extra });
  const limiter = new SlidingWindowLimiter({ clock, slots });
  /** Sends `n` calls of `family` (each replied at once); resolves with their grant instants, relative to T0. */
  const send = (n: number, family: ApiFamily = "collect", signal?: AbortSignal) =>
    Promise.all(Array.from({ length: n }, () => limiter.acquire(family, signal).then(() => clock.now() - T0)));
  return { slots, limiter, send, warnings };
}

describe("LedgerSlotSource: one quota, several runners", () => {
  it("keeps four runners of 250 collections within 100 a minute, close to the single-process bound, fewer storage calls than MDE calls", async () => {
    const clock = new FakeClock(T0);
    const store = new MemoryLedgerStore();
    const runners = ["a", "b", "c", "d"].map((id) => runner(clock, store, id));
    const all = await clock.runUntilSettled(Promise.all(runners.map((r) => r.send(250))));
    const times = all.flat();
    expect(times).toHaveLength(1000);
    expect(busiest(times, 60_000)).toBeLessThanOrEqual(100);
    // The bound for 1000 is the 10th minute's burst at 540 s; each window costs the 2 s margin,
    // and a slot a runner was due but did not ask for at once is taken at its next refill (5 s).
    expect(Math.max(...times)).toBeLessThanOrEqual(540_000 + 9 * MARGIN + 6_000);
    // The first runner to write took the idle first minute whole (work-conserving); from the
    // next window on, every runner that waits gets its share of each minute.
    const inSecondMinute = all.map((t) => t.filter((x) => x >= 62_000 && x < 124_000).length);
    for (const n of inSecondMinute) expect(n).toBeGreaterThanOrEqual(20);
    const calls = runners.reduce((n, r) => n + r.slots.metrics.writes + r.slots.metrics.reads, 0);
    // Batched: well under one storage call per MDE call even with four runners colliding at
    // every burst in zero-latency virtual time (measured: 0.64, a third of the writes lost a CAS).
    expect(calls / 1000).toBeLessThan(0.75);
    expect(runners.reduce((n, r) => n + r.slots.metrics.voided, 0)).toBe(0);
  });

  it("gives an incident's single collection the next slot that frees, not a place behind a 10,000-machine sweep", async () => {
    const clock = new FakeClock(T0);
    const store = new MemoryLedgerStore();
    const sweep = runner(clock, store, "sweep");
    const stop = new AbortController();
    const sweepDone = sweep.send(10_000, "collect", stop.signal).catch(() => "stopped");
    await clock.advance(5_000);
    const incident = runner(clock, store, "incident");
    const granted = await clock.runUntilSettled(incident.send(1));
    // The minute's 100 went to the sweep at 0 s; the first slot that frees is the incident's.
    expect(granted).toEqual([62_000]);
    const doc = store.parsed("t/c/collect.json")!;
    expect(doc.grants.filter(([t, h]) => h === "sweep" && t - T0 < 62_000)).toHaveLength(100);
    stop.abort();
    await clock.runUntilSettled(sweepDone);
  });

  it("releases a killed runner's future slots once its lease ran out, and another runner uses them", async () => {
    const clock = new FakeClock(T0);
    const store = new MemoryLedgerStore();
    // A lease shorter than the reservation horizon (a tenth of the minute window, 6 s), so the
    // killed runner still holds future slots when its lease runs out.
    const killed = runner(clock, store, "killed", { leaseMs: 1_000 });
    const stop = new AbortController();
    const pending = killed.send(120, "collect", stop.signal).catch(() => "killed");
    await clock.advance(56_500);
    // 100 sent at 0 s, the other 20 reserved at 56 s for 62 s (not at 0 s: beyond the horizon): then the process dies (its waiters vanish, it never writes again).
    expect(killed.slots.metrics.reserved).toBe(120);
    stop.abort();
    await clock.runUntilSettled(pending);
    await clock.advance(4_000); // past the killed runner's lease plus the margin for clock skew, before 62 s
    const survivor = runner(clock, store, "survivor", { leaseMs: 1_000 });
    const early = survivor.send(1);
    await clock.advance(1);
    await clock.runUntilSettled(early);
    expect(await early).toEqual([62_000]);
    expect(survivor.slots.metrics.released).toBe(20);
  });

  it("retries a lost compare-and-swap after a jittered wait and counts the conflict", async () => {
    const clock = new FakeClock(T0);
    const store = new MemoryLedgerStore();
    const a = runner(clock, store, "a");
    await clock.runUntilSettled(a.send(1));
    let interfere = true;
    store.beforeWrite = (name) => {
      if (!interfere) return;
      interfere = false;
      const doc = store.docs.get(name)!;
      store.docs.set(name, { text: doc.text, etag: '"someone-else"' });
    };
    const b = runner(clock, store, "b");
    // Full jitter over 20 ms x 2^1, at 0.5: 20 ms; then a re-read and a write that lands.
    expect(await clock.runUntilSettled(b.send(1))).toEqual([20]);
    expect(b.slots.metrics.conflicts).toBe(1);
    expect(b.slots.metrics.reads).toBe(2);
  });
});

describe("LedgerSlotSource when storage fails", () => {
  it("refuses to send without a slot by default, with a message that names the ledger", async () => {
    const clock = new FakeClock(T0);
    const store = new MemoryLedgerStore();
    store.failure = new Error("connect ECONNREFUSED 127.0.0.1:10000");
    const r = runner(clock, store, "a");
    const sent = clock.runUntilSettled(r.send(3));
    await expect(sent).rejects.toThrow(QuotaLedgerError);
    await expect(sent).rejects.toThrow(/quota ledger memory:\/\/ledger is unavailable: connect ECONNREFUSED/);
  });

  it("falls back to its own windows when asked, says so, and keeps counting the calls it already made", async () => {
    const clock = new FakeClock(T0);
    const store = new MemoryLedgerStore();
    const r = runner(clock, store, "a", { fallback: "local" });
    await clock.runUntilSettled(r.send(60));
    store.failure = new Error("503 ServerBusy");
    const later = await clock.runUntilSettled(r.send(60));
    expect(r.slots.fellBack).toBe(true);
    expect(r.warnings.join("\n")).toMatch(/unavailable: 503 ServerBusy.*only its own calls and relies on MDE's 429s; other runners sharing the app are NOT coordinated/s);
    // 60 before the outage + 40 more fill the minute; the last 20 wait for it.
    expect(later.filter((t) => t === 0)).toHaveLength(40);
    expect(Math.min(...later.filter((t) => t > 0))).toBe(60_000);
  });

  it("never falls back on a misconfiguration: runners that disagree on the quota are refused", async () => {
    const clock = new FakeClock(T0);
    const store = new MemoryLedgerStore();
    await clock.runUntilSettled(runner(clock, store, "a").send(1));
    const other = runner(clock, store, "b", { fallback: "local", quotas: { collect: { perMinute: 50, perHour: 1500 } } });
    await expect(clock.runUntilSettled(other.send(1))).rejects.toThrow(/runners disagree on the collect quota \(the ledger has 100\/min, 1500\/h at time scale 1; this runner 50\/min/);
  });
});
