/**
 * The ledger's pure arithmetic: where reserved slots fall, how the windows are shared among
 * runners that wait, and what a lapsed runner leaves behind.
 */
import { emptyLedger, type LedgerPolicy, prune, reserve, waterfill } from "../../../provider/api/ledger/document";
import { MDE_QUOTAS, windowsFor } from "../../../provider/api/quotas";

const T0 = Date.UTC(2026, 0, 1);
const policy: LedgerPolicy = { windows: windowsFor(MDE_QUOTAS.collect), marginMs: 2_000, skewMs: 250, leaseMs: 15_000, batch: 10 };
const empty = () => emptyLedger("collect", { ...MDE_QUOTAS.collect, timeScale: 1 });

describe("waterfill", () => {
  it("gives a small need all it asks and splits the rest evenly, in whole slots", () => {
    expect(Object.fromEntries(waterfill(100, new Map([["sweep", 10_000], ["incident", 1]])))).toEqual({ incident: 1, sweep: 99 });
    expect(Object.fromEntries(waterfill(100, new Map([["a", 250], ["b", 250], ["c", 250]])))).toEqual({ a: 33, b: 33, c: 34 });
    expect(Object.fromEntries(waterfill(2, new Map([["a", 5], ["b", 5], ["c", 5]])))).toEqual({ a: 0, b: 1, c: 1 });
  });
});

describe("reserve", () => {
  it("lets a runner alone take batches at once, and the 101st slot one minute plus the margin after the first", () => {
    let doc = empty();
    const got: number[] = [];
    for (let i = 0; i < 11; i++) {
      const r = reserve(doc, "a", 250 - got.length, 0, T0, policy);
      doc = r.doc;
      got.push(...r.slots);
    }
    expect(got).toHaveLength(110);
    expect(got.slice(0, 100).every((t) => t === T0)).toBe(true);
    expect(got.slice(100).every((t) => t - T0 === 62_000)).toBe(true);
    expect(doc.holders.a).toEqual({ seen: T0, demand: 140 });
  });

  it("never reserves more than the batch beyond what the runner holds", () => {
    expect(reserve(empty(), "a", 50, 4, T0, policy).slots).toHaveLength(6);
    expect(reserve(empty(), "a", 50, 10, T0, policy).slots).toHaveLength(0);
  });

  it("serves an incident's single call before a sweep that already used its share of the minute", () => {
    let doc = empty();
    for (let i = 0; i < 10; i++) doc = reserve(doc, "sweep", 10_000 - 10 * i, 0, T0, policy).doc;
    // The incident announces itself 5 s later: the minute is full, its slot is the first that frees.
    const incident = reserve(doc, "incident", 1, 0, T0 + 5_000, policy);
    expect(incident.slots).toEqual([T0 + 62_000]);
    // With only 10 slots free at 62 s, the sweep's next batch leaves the incident's one in place.
    const withIncident = { ...doc, holders: { ...doc.holders, incident: { seen: T0 + 5_000, demand: 1 } } };
    const crowded = { ...withIncident, grants: [...withIncident.grants, ...Array.from({ length: 90 }, (_, i) => [T0 + 60_500, `other${i}`] as [number, string])] };
    const sweep = reserve(crowded, "sweep", 9_900, 0, T0 + 6_000, policy);
    expect(sweep.slots.filter((t) => t === T0 + 62_000)).toHaveLength(9);
    expect(reserve(sweep.doc, "incident", 1, 0, T0 + 7_000, policy).slots).toEqual([T0 + 62_000]);
  });

  it("shares a full window evenly between four runners of 250", () => {
    let doc = empty();
    const per: Record<string, number> = { a: 0, b: 0, c: 0, d: 0 };
    for (const id of Object.keys(per)) doc = reserve(doc, id, 0, 0, T0, policy).doc; // all four announced
    for (const id of Object.keys(per)) doc.holders[id] = { seen: T0, demand: 250 };
    for (let round = 0; round < 5; round++) {
      for (const id of Object.keys(per)) {
        const r = reserve(doc, id, 250 - per[id], 0, T0, policy);
        doc = r.doc;
        per[id] += r.slots.filter((t) => t === T0).length;
      }
    }
    expect(per).toEqual({ a: 25, b: 25, c: 25, d: 25 });
  });
});

describe("prune", () => {
  it("releases the future slots of a runner whose lease ran out, and keeps its past ones (MDE may have counted them)", () => {
    let doc = empty();
    for (let i = 0; i < 11; i++) doc = reserve(doc, "killed", 200, 0, T0, policy).doc; // 100 at T0, 10 at T0+62 s
    const before = doc.grants.length;
    const early = prune(doc, T0 + 15_000 + 2_000, policy);
    expect(early.released).toBe(0);
    const lapsed = prune(doc, T0 + 17_001, policy);
    expect(lapsed.released).toBe(10);
    expect(lapsed.doc.grants).toHaveLength(before - 10);
    expect(lapsed.doc.holders.killed).toBeUndefined();
    // The next runner takes the released slots' place at once.
    expect(reserve(doc, "next", 1, 0, T0 + 17_001, policy).slots).toEqual([T0 + 62_000]);
  });

  it("forgets slots no window can see any more", () => {
    const doc = reserve(empty(), "a", 1, 0, T0, policy).doc;
    expect(prune(doc, T0 + 3_600_000 + 1_999, policy).doc.grants).toHaveLength(1);
    expect(prune(doc, T0 + 3_600_000 + 2_000, policy).doc.grants).toHaveLength(0);
  });
});
