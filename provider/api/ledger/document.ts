/**
 * The quota ledger's document and the pure arithmetic of a reservation: one JSON blob per
 * tenant, application and quota family, rewritten whole with compare-and-swap (ledgerSlots.ts).
 *
 * What it holds: every slot any runner reserved (`grants`, [instant, holder], ascending, kept as
 * long as a window can see them) and every runner's last word (`holders`: when it last wrote,
 * how many calls it still waits to send). Everything here is pure, so the schedule, the shares
 * and the expiry are tested to the millisecond in virtual time.
 *
 * Why a reserved slot occupies its window for `lengthMs + marginMs`: MDE counts a call when it
 * arrives, a little after its slot (the runner's event loop, the network, clocks that differ
 * between runners by up to a fraction of a second). A runner sends only within `marginMs / 2`
 * of its slot (ledgerSlots.ts voids later ones), so every call MDE counts lies inside the span
 * the ledger reserved for it, whatever runner sent it. Once the call is answered, its runner
 * knows MDE counted it by then and says so at its next write ({@link settle}): the slot then
 * keeps only `skewMs` of the margin, so the margin costs a window the latency it really had,
 * not the latency it might have had (the local limiter's counting from the reply, shared).
 *
 * Fairness (max-min, per window): when several runners wait, each window's limit is shared by
 * water-filling over what each runner needs (its slots in the window plus its waiting calls). A
 * runner with one call waiting is entitled to that one slot however long another runner's
 * queue, and a runner over its share reserves nothing more until others are served, so an
 * incident's single collection takes the next slot that frees instead of queueing behind a
 * 10,000-machine sweep. Alone, a runner may use the whole window.
 */
import { z } from "zod";
import { type FamilyQuota, type QuotaWindow, waitTimeMs } from "../quotas";

const Holder = z.object({ seen: z.number(), demand: z.number().int().nonnegative() });
export const LedgerDocumentSchema = z.object({
  v: z.literal(1),
  family: z.string(),
  /** The quota the runners plan with (after `mde:rateLimits`): runners that disagree are refused. */
  quota: z.object({ perMinute: z.number(), perHour: z.number(), timeScale: z.number() }),
  holders: z.record(z.string(), Holder),
  grants: z.array(z.tuple([z.number(), z.string()])),
});
export type LedgerDocument = z.infer<typeof LedgerDocumentSchema>;

export interface LedgerPolicy {
  /** The family's windows on the runners' clock (already divided by the time scale). */
  windows: readonly QuotaWindow[];
  /** Extra occupancy of every slot, for lateness, latency and clock skew between runners. */
  marginMs: number;
  /** What an answered slot keeps of the margin: how far apart two runners' clocks may be. */
  skewMs: number;
  /** A runner silent for longer (plus `marginMs` of skew) is gone: its future slots are released. */
  leaseMs: number;
  /** At most this many unused reservations per runner at a time. */
  batch: number;
  /**
   * Reserve no slot later than this ahead of now: a runner may take its whole share of a window
   * that opens now in one write, yet never holds a later window's slots before a newcomer can
   * announce itself (an incident's single collection still gets the next slot that frees).
   */
  horizonMs?: number;
}

/**
 * The document in `text`, checked: it is a ledger document, and its runners plan with the same
 * quota as this one (runners that disagree would each keep to a different limit). Throws a
 * message for the runner to prefix with where the ledger is.
 */
export function parseLedgerDocument(text: string, name: string, quota: FamilyQuota & { timeScale: number }): LedgerDocument {
  let doc: LedgerDocument;
  try {
    doc = LedgerDocumentSchema.parse(JSON.parse(text));
  } catch (err) {
    throw new LedgerDocumentProblem(`${name} is not a quota ledger document (${(err as Error).message.slice(0, 200)}); point mde:quotaLedger at a name of its own`);
  }
  const q = doc.quota;
  if (q.perMinute !== quota.perMinute || q.perHour !== quota.perHour || q.timeScale !== quota.timeScale) {
    throw new LedgerDocumentProblem(
      `the runners disagree on the ${doc.family} quota (the ledger has ${q.perMinute}/min, ${q.perHour}/h at time scale ${q.timeScale}; this runner ${quota.perMinute}/min, ${quota.perHour}/h at ${quota.timeScale}); give every runner the same mde:rateLimits`,
    );
  }
  return doc;
}

/** A document this runner must not use: the runner says where it is. */
export class LedgerDocumentProblem extends Error {}

export function emptyLedger(family: string, quota: FamilyQuota & { timeScale: number }): LedgerDocument {
  return { v: 1, family, quota: { perMinute: quota.perMinute, perHour: quota.perHour, timeScale: quota.timeScale }, holders: {}, grants: [] };
}

/** The windows as the ledger counts them: each slot occupies `lengthMs + marginMs`. */
export function occupancy(policy: LedgerPolicy): QuotaWindow[] {
  return policy.windows.map((w) => ({ limit: w.limit, lengthMs: w.lengthMs + policy.marginMs }));
}

/**
 * Drops what no window can see any more, and the runners whose lease ran out with the slots they
 * had reserved but not reached yet (a killed runner's). Slots already past stay: MDE may have
 * counted them. Returns how many future slots were released.
 */
export function prune(doc: LedgerDocument, now: number, policy: LedgerPolicy): { doc: LedgerDocument; released: number } {
  const longest = Math.max(...occupancy(policy).map((w) => w.lengthMs));
  const gone = new Set(Object.entries(doc.holders).filter(([, h]) => h.seen + policy.leaseMs + policy.marginMs < now).map(([id]) => id));
  let released = 0;
  const grants = doc.grants.filter(([t, h]) => {
    if (t <= now - longest) return false;
    if (t > now && gone.has(h)) {
      released++;
      return false;
    }
    return true;
  });
  const holders = Object.fromEntries(Object.entries(doc.holders).filter(([id]) => !gone.has(id)));
  return { doc: { ...doc, holders, grants }, released };
}

/** Max-min fair split of `capacity` over `needs`: who needs little gets all of it, the rest share equally. */
export function waterfill(capacity: number, needs: ReadonlyMap<string, number>): Map<string, number> {
  const out = new Map<string, number>();
  const order = [...needs.entries()].sort((a, b) => a[1] - b[1] || (a[0] < b[0] ? -1 : 1));
  let left = capacity;
  order.forEach(([id, need], i) => {
    const share = Math.floor(left / (order.length - i));
    const given = Math.min(need, share);
    out.set(id, given);
    left -= given;
  });
  // Whole slots: what floor() left over goes to the largest needs first.
  for (let i = order.length - 1; i >= 0 && left > 0; i--) {
    const [id, need] = order[i];
    if (out.get(id)! < need) {
      out.set(id, out.get(id)! + 1);
      left--;
    }
  }
  return out;
}

export interface Reservation {
  doc: LedgerDocument;
  /** Slot instants reserved for `holder`, ascending (may be in the future). */
  slots: number[];
  /** Future slots of lapsed runners released by this update. */
  released: number;
  /** When nothing was reserved although calls wait: how long until asking again is worthwhile. */
  retryInMs?: number;
}

/**
 * `holder` announces `want` calls waiting beyond the `held` unused slots it already has, and
 * reserves what its share and the windows allow now (at most `batch - held`), earliest first.
 */
export function reserve(input: LedgerDocument, holder: string, want: number, held: number, now: number, policy: LedgerPolicy): Reservation {
  const { doc, released } = prune(input, now, policy);
  doc.holders = { ...doc.holders, [holder]: { seen: now, demand: Math.max(0, want) } };
  const wanted = Math.min(want, policy.batch - held);
  if (wanted <= 0) return { doc, slots: [], released };
  const windows = occupancy(policy);
  const active = Object.entries(doc.holders).filter(([, h]) => h.demand > 0);
  let room = wanted;
  let retryInMs: number | undefined;
  // Shares are counted at the instant the next slot would be granted, when the slots that
  // leave the window by then no longer weigh on anyone's share.
  const at = now + waitTimeMs(doc.grants.map(([t]) => t), windows, now);
  if (active.length > 1) {
    for (const w of windows) {
      const used = new Map<string, number>();
      for (const [t, h] of doc.grants) if (t > at - w.lengthMs) used.set(h, (used.get(h) ?? 0) + 1);
      const needs = new Map(active.map(([id, h]) => [id, (used.get(id) ?? 0) + h.demand] as const));
      // The share is of what the runners not waiting any more left of the window.
      let capacity = w.limit;
      for (const [id, n] of used) if (!needs.has(id)) capacity -= n;
      const shares = waterfill(Math.max(0, capacity), needs);
      const mine = used.get(holder) ?? 0;
      // Work-conserving: what the window has free beyond every other waiting runner's due is ours too.
      let free = w.limit;
      for (const n of used.values()) free -= n;
      let othersDue = 0;
      for (const [id] of active) if (id !== holder) othersDue += Math.max(0, (shares.get(id) ?? 0) - (used.get(id) ?? 0));
      const allowed = Math.max((shares.get(holder) ?? 0) - mine, free - othersDue);
      if (allowed < room) room = Math.max(0, allowed);
      if (allowed <= 0) {
        // Over the share: worth asking again once the next slot leaves this window (ours, or one
        // that frees capacity or shifts the shares), as soon as it may: when its call has been
        // answered and its runner said so (settle), it leaves a margin earlier; once that instant
        // is past and it has not, at the latest.
        const oldest = doc.grants.find(([t]) => t > at - w.lengthMs);
        const leaves = oldest ? oldest[0] + w.lengthMs : now + w.lengthMs;
        retryInMs = Math.max(retryInMs ?? 0, (leaves - policy.marginMs > now ? leaves - policy.marginMs : leaves) - now);
      }
    }
  }
  if (room <= 0) {
    // Or when the window next has room (`at`): the shares change then, and a slot the others
    // leave unclaimed is not lost for long (a slot taken late delays every later slot of its chain).
    const roomIn = Math.max(at - now, (policy.horizonMs ?? 0) / 2);
    return { doc, slots: [], released, retryInMs: Math.max(1, Math.min(retryInMs ?? policy.leaseMs, roomIn, policy.leaseMs / 2)) };
  }
  const times = doc.grants.map(([t]) => t);
  const slots: number[] = [];
  let from = now;
  for (let i = 0; i < room; i++) {
    const t = from + waitTimeMs(times, windows, from);
    if (policy.horizonMs !== undefined && t > now + policy.horizonMs) {
      // Asked again within half a lease, so the demand announced here does not lapse meanwhile.
      if (slots.length === 0) return { doc, slots, released, retryInMs: Math.min(t - policy.horizonMs - now, policy.leaseMs / 2) };
      break;
    }
    times.splice(insertionIndex(times, t), 0, t);
    slots.push(t);
    from = t;
  }
  const grants = [...doc.grants];
  for (const t of slots) grants.splice(insertionIndex(grants.map(([g]) => g), t), 0, [t, holder]);
  doc.grants = grants;
  doc.holders[holder] = { seen: now, demand: Math.max(0, want - slots.length) };
  return { doc, slots, released };
}

/** Index at which `t` keeps `sorted` ascending (after equal values). */
function insertionIndex(sorted: readonly number[], t: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid] <= t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

