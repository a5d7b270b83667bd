/**
 * Quota slots reserved in the shared ledger (`mde:quotaLedger`): the {@link SlotSource} that lets
 * several runners signed in as one app share MDE's quota instead of each assuming all of it.
 *
 * How a runner gets a slot:
 * - It keeps a stock of slots reserved in the family's ledger document, none more than a tenth
 *   of the minute window ahead (so a window that opens is taken in one write, not in tenths), and
 *   refills it in the background when it runs half empty: one compare-and-swap write per batch.
 * - Each refill announces how many calls wait here; the document shares the windows fairly
 *   among the runners that wait (document.ts), so a newcomer's demand is seen at the others'
 *   next refill, seconds later.
 * - A lost compare-and-swap (412) re-reads and retries after a jittered back-off; conflicts are
 *   counted (`metrics`).
 * - A slot is used at its instant or within `marginMs / 2` after it, and only while this runner's
 *   lease holds (its last write less than `leaseMs` ago): a killed runner's unreached slots are
 *   released by the next writer once its lease ran out, and a runner cut off from the ledger
 *   never sends on slots others may have taken back. Waiting runners rewrite their lease every
 *   `leaseMs / 2`.
 *
 * When storage fails: an error by default (no MDE call is sent without a slot), or, with
 * `fallback: "local"`, this runner goes on with its own windows (seeded with the slots it used)
 * plus MDE's 429s, and says so once in the log. A misconfiguration (container missing, identity
 * refused, runners disagreeing on the quota) is never papered over.
 */
import { type ApiFamily, type FamilyQuota, MDE_QUOTAS, nextGrantTimes, windowsFor } from "../quotas";
import { LocalSlotSource, type SlotAnswer, type SlotSource } from "../slots";
import { emptyLedger, type LedgerDocument, LedgerDocumentSchema, type LedgerPolicy, occupancy, reserve } from "./document";
import { type LedgerMetrics, type LedgerSlotOptions, QuotaLedgerError } from "./store";

export type { LedgerMetrics, LedgerSlotOptions } from "./store";

interface FamilyState {
  family: ApiFamily;
  name: string;
  policy: LedgerPolicy;
  quota: FamilyQuota & { timeScale: number };
  stock: number[];
  /** The document as last written or read by us, and its ETag: the next write tries it first. */
  cached?: { doc: LedgerDocument; etag: string };
  /** When our last write landed (our lease runs from there). */
  seen: number;
  refill?: Promise<SlotAnswer>;
  /** After a refill that got nothing (over our share): when asking again is worthwhile. */
  retryAt: number;
  error?: unknown;
}

/**
 * Lost compare-and-swap writes before contention is an error, and only once they have also lasted
 * a lease: every lost write is another runner's progress, and on a slow or busy store (four
 * runners, a loaded machine) a dozen in a row happen while the ledger works as designed.
 */
const MAX_CAS_ATTEMPTS = 12;

export class LedgerSlotSource implements SlotSource {
  readonly description: string;
  readonly metrics: LedgerMetrics = { reads: 0, writes: 0, conflicts: 0, reserved: 0, granted: 0, voided: 0, released: 0, maxLateMs: 0, maxReplyMs: 0, byFamily: {} };
  private readonly families = new Map<ApiFamily, FamilyState>();
  private local?: LocalSlotSource;
  /** Our own grants, kept to seed the local windows on a fallback. */
  private readonly used = new Map<ApiFamily, number[]>();

  constructor(private readonly options: LedgerSlotOptions) {
    this.description = `quota ledger ${options.store.description}`;
  }

  get fellBack(): boolean {
    return this.local !== undefined;
  }

  take(family: ApiFamily, queued: number): SlotAnswer | Promise<SlotAnswer> {
    if (this.local) return this.local.take(family);
    const st = this.state(family);
    if (st.error !== undefined) {
      const error = st.error;
      st.error = undefined;
      throw error;
    }
    const now = this.options.clock.now();
    if (now >= st.seen + st.policy.leaseMs) this.void(st, st.stock.length); // our lease lapsed: others may have taken them back
    while (st.stock.length > 0 && st.stock[0] + st.policy.marginMs / 2 < now) this.void(st, 1);
    const wanted = queued - st.stock.length;
    const low = wanted > 0 && now >= st.retryAt && st.stock.length <= st.policy.batch / 2;
    const renew = now >= st.seen + st.policy.leaseMs / 2 && (wanted > 0 || st.stock.length > 0);
    if (!st.refill && (low || renew)) this.startRefill(family, st, queued);
    if (st.stock.length > 0 && st.stock[0] <= now) {
      this.metrics.maxLateMs = Math.max(this.metrics.maxLateMs, now - st.stock.shift()!);
      this.metrics.granted++;
      this.count(family).granted++;
      this.record(family, now);
      return { grantedAt: now };
    }
    if (st.stock.length > 0) return { retryInMs: Math.min(st.stock[0] - now, Math.max(1, st.seen + st.policy.leaseMs / 2 - now)) };
    return st.refill ?? { retryInMs: Math.max(1, st.retryAt - now) };
  }

  replied(family: ApiFamily, grantedAt: number): void {
    this.metrics.maxReplyMs = Math.max(this.metrics.maxReplyMs, this.options.clock.now() - grantedAt);
    this.local?.replied(family, grantedAt);
  }

  waitForMs(family: ApiFamily, position: number): number {
    if (this.local) return this.local.waitForMs(family, position);
    const st = this.state(family);
    const now = this.options.clock.now();
    if (position <= st.stock.length) return Math.max(0, st.stock[position - 1] - now);
    const times = (st.cached?.doc.grants ?? []).map(([t]) => t);
    const last = nextGrantTimes(times, occupancy(st.policy), Math.max(now, st.stock.at(-1) ?? now), position - st.stock.length).at(-1) ?? now;
    return Math.max(0, last - now);
  }

  /** Reads (or creates) the collect document and writes our lease: reachable, allowed, same quota. */
  async preflight(): Promise<void> {
    const st = this.state("collect");
    await (st.refill ?? this.startRefill("collect", st, 0));
    if (st.error !== undefined) {
      const error = st.error;
      st.error = undefined;
      throw error;
    }
  }

  /** Gives back the slots not reached yet, so the other runners can use them at once. */
  async close(): Promise<void> {
    if (this.local) return;
    await Promise.all(
      [...this.families.entries()].filter(([, st]) => st.stock.length > 0).map(async ([, st]) => {
        await st.refill?.catch(() => undefined);
        const mine = new Set(st.stock);
        st.stock = [];
        await this.compareAndSwap(st, (doc, now) => ({
          doc: { ...doc, holders: { ...doc.holders, [this.options.holder]: { seen: now, demand: 0 } }, grants: doc.grants.filter(([t, h]) => h !== this.options.holder || t <= now || !mine.has(t)) },
          slots: [],
          released: 0,
        })).catch(() => undefined);
      }),
    );
  }

  private startRefill(family: ApiFamily, st: FamilyState, queued: number): Promise<SlotAnswer> {
    const want = Math.max(0, queued - st.stock.length);
    st.refill = this.compareAndSwap(st, (doc, now) => reserve(doc, this.options.holder, want, st.stock.length, now, st.policy))
      .then((r) => {
        st.stock.push(...r.slots);
        st.stock.sort((a, b) => a - b);
        this.metrics.reserved += r.slots.length;
        this.metrics.released += r.released;
        st.retryAt = r.slots.length === 0 && want > 0 ? this.options.clock.now() + (r.retryInMs ?? 0) : 0;
        return r.slots.length > 0 ? { retryInMs: 0 } : { retryInMs: r.retryInMs ?? st.policy.leaseMs / 2 };
      })
      .catch((err: unknown) => this.failed(family, st, err))
      .finally(() => {
        st.refill = undefined;
      });
    return st.refill;
  }

  /** One read-modify-write of the family's document, retried with jitter while another runner wins. */
  private async compareAndSwap<R extends { doc: LedgerDocument }>(st: FamilyState, change: (doc: LedgerDocument, now: number) => R): Promise<R> {
    const { store } = this.options;
    const since = this.options.clock.now();
    for (let attempt = 1; ; attempt++) {
      if (!st.cached) {
        this.metrics.reads++;
        const found = await store.read(st.name);
        st.cached = found ? { doc: this.parse(st, found.text), etag: found.etag } : undefined;
      }
      const now = this.options.clock.now();
      const result = change(st.cached?.doc ?? emptyLedger(st.family, st.quota), now);
      this.metrics.writes++;
      this.count(st.family).writes++;
      const written = await store.write(st.name, JSON.stringify(result.doc), st.cached?.etag);
      if (written !== "conflict") {
        st.cached = { doc: result.doc, etag: written.etag };
        st.seen = now;
        return result;
      }
      this.metrics.conflicts++;
      this.count(st.family).conflicts++;
      st.cached = undefined;
      if (attempt >= MAX_CAS_ATTEMPTS && this.options.clock.now() - since >= st.policy.leaseMs) throw new QuotaLedgerError("contention", `${this.description}: lost ${attempt} compare-and-swap writes in a row to other runners over ${Math.round((this.options.clock.now() - since) / 1000)} s; too many runners share one ledger document, or one of them writes in a loop`);
      // Full jitter over a doubling span, so runners that collided do not collide again.
      await this.options.clock.sleep(Math.round((this.options.random ?? Math.random)() * Math.min(1_000, 20 * 2 ** attempt)));
    }
  }

  private parse(st: FamilyState, text: string): LedgerDocument {
    let doc: LedgerDocument;
    try {
      doc = LedgerDocumentSchema.parse(JSON.parse(text));
    } catch (err) {
      throw new QuotaLedgerError("config", `${this.description}: ${st.name} is not a quota ledger document (${(err as Error).message.slice(0, 200)}); point mde:quotaLedger at a name of its own`, { cause: err });
    }
    const q = doc.quota;
    if (q.perMinute !== st.quota.perMinute || q.perHour !== st.quota.perHour || q.timeScale !== st.quota.timeScale) {
      throw new QuotaLedgerError(
        "config",
        `${this.description}: the runners disagree on the ${doc.family} quota (the ledger has ${q.perMinute}/min, ${q.perHour}/h at time scale ${q.timeScale}; this runner ${st.quota.perMinute}/min, ${st.quota.perHour}/h at ${st.quota.timeScale}); give every runner the same mde:rateLimits`,
      );
    }
    return doc;
  }

  private failed(family: ApiFamily, st: FamilyState, err: unknown): SlotAnswer {
    const ledgerError = err instanceof QuotaLedgerError ? err : new QuotaLedgerError("unavailable", `${this.description} is unavailable: ${(err as Error)?.message ?? String(err)}`, { cause: err });
    if (ledgerError.kind === "unavailable" && this.options.fallback === "local") {
      this.fallBack(ledgerError);
      return { retryInMs: 0 };
    }
    st.error = ledgerError;
    void family;
    return { retryInMs: 0 };
  }

  private fallBack(error: QuotaLedgerError): void {
    if (this.local) return;
    this.local = new LocalSlotSource({ clock: this.options.clock, quotas: this.options.quotas, timeScale: this.options.timeScale });
    for (const [family, times] of this.used) for (const t of times) this.local.record(family, t);
    this.options.logger.warn(
      `${error.message}. mde:quotaLedgerFallback is local: from now on this runner counts only its own calls and relies on MDE's 429s; other runners sharing the app are NOT coordinated with.`,
    );
  }

  private count = (family: ApiFamily) => (this.metrics.byFamily[family] ??= { writes: 0, conflicts: 0, granted: 0 });

  private void(st: FamilyState, n: number): void {
    st.stock.splice(0, n);
    this.metrics.voided += n;
  }

  private record(family: ApiFamily, at: number): void {
    const times = this.used.get(family) ?? [];
    times.push(at);
    // Enough history for the hourly window's limit.
    if (times.length > 2 * (this.options.quotas?.[family] ?? MDE_QUOTAS[family]).perHour) times.splice(0, times.length / 2);
    this.used.set(family, times);
  }

  private state(family: ApiFamily): FamilyState {
    let st = this.families.get(family);
    if (!st) {
      const quota = { ...(this.options.quotas?.[family] ?? MDE_QUOTAS[family]), timeScale: this.options.timeScale ?? 1 };
      const windows = windowsFor(quota, quota.timeScale);
      const policy: LedgerPolicy = { windows, marginMs: this.options.marginMs ?? 2_000, leaseMs: this.options.leaseMs ?? 30_000, batch: quota.perMinute, horizonMs: windows[0].lengthMs / 10 };
      st = { family, name: this.options.documentName(family), policy, quota, stock: [], seen: -Infinity, retryAt: 0 };
      this.families.set(family, st);
    }
    return st;
  }
}
