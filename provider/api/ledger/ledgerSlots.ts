/**
 * Quota slots reserved in the shared ledger (`mde:quotaLedger`): the {@link SlotSource} that lets
 * several runners signed in as one app share MDE's quota instead of each assuming all of it.
 *
 * How a runner gets a slot:
 * - It keeps a stock of slots reserved in the family's ledger document, none more than a tenth
 *   of the minute window ahead (a window that opens is taken in one write, not in tenths), and
 *   refills it when it runs half empty: one compare-and-swap write per batch. A lost write (412)
 *   re-reads and retries after a jittered back-off; conflicts are counted (`metrics`).
 * - Each refill announces how many calls wait here; the document shares the windows fairly
 *   among the runners that wait (document.ts): a newcomer is seen at the others' next refill.
 * - Every write also carries what became of our slots since the last one (slotNews.ts): an
 *   answered call frees its slot's margin (MDE counted it by the reply), an unsent slot is given
 *   back; a burst's answers are written as soon as they are all in.
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
import { emptyLedger, type LedgerDocument, LedgerDocumentProblem, type LedgerPolicy, occupancy, parseLedgerDocument, reserve } from "./document";
import { SlotNewsBook, settle } from "./slotNews";
import { type LedgerMetrics, type LedgerSlotOptions, QuotaLedgerError } from "./store";

export type { LedgerMetrics, LedgerSlotOptions } from "./store";

interface FamilyState {
  family: ApiFamily;
  name: string;
  policy: LedgerPolicy;
  quota: FamilyQuota & { timeScale: number };
  stock: number[];
  news: SlotNewsBook;
  /** Calls waiting here after the last take(): the demand a write on our own initiative announces. */
  queued: number;
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
  /** Our own grants, counted as the local windows would: what they start from on a fallback. */
  private readonly shadow: LocalSlotSource;

  constructor(private readonly options: LedgerSlotOptions) {
    this.description = `quota ledger ${options.store.description}`;
    this.shadow = new LocalSlotSource({ clock: options.clock, quotas: options.quotas, timeScale: options.timeScale });
  }

  get fellBack(): boolean {
    return this.local !== undefined;
  }

  take(family: ApiFamily, queued: number): SlotAnswer | Promise<SlotAnswer> {
    if (this.local) return this.local.take(family);
    const st = this.state(family);
    st.queued = queued;
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
      const slot = st.stock.shift()!;
      st.news.sent(now, slot);
      st.queued = queued - 1;
      this.metrics.maxLateMs = Math.max(this.metrics.maxLateMs, now - slot);
      this.metrics.granted++;
      this.count(family).granted++;
      this.shadow.record(family, now);
      return { grantedAt: now };
    }
    if (st.stock.length > 0) return { retryInMs: Math.min(st.stock[0] - now, Math.max(1, st.seen + st.policy.leaseMs / 2 - now)) };
    // Woken often enough to see retryAt move earlier (an answer came in: replied()), at 1% of a minute.
    return st.refill ?? { retryInMs: Math.max(1, Math.min(st.retryAt - now, st.policy.windows[0].lengthMs / 100)) };
  }

  replied(family: ApiFamily, grantedAt: number): void {
    const now = this.options.clock.now();
    this.metrics.maxReplyMs = Math.max(this.metrics.maxReplyMs, now - grantedAt);
    if (this.local) return this.local.replied(family, grantedAt);
    const st = this.state(family);
    // Our share frees when this call leaves the window (settle): ask again then, not later.
    if (!st.news.replied(grantedAt, now)) return;
    if (st.retryAt > now) st.retryAt = Math.min(st.retryAt, now + st.policy.skewMs + st.policy.windows[0].lengthMs);
    // A burst answered: say so now, not at our next reservation (we may need none): the others'
    // share frees only as our answered slots leave their margin, and who waits is not known here.
    // A burst is a tenth of the limit: calls one at a time (the watchers' polls) wait for the next refill.
    if (!st.refill && st.news.inFlight === 0 && st.news.unwritten >= st.policy.batch / 10) void this.startRefill(family, st, st.queued);
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
        st.news.neverSent(st.stock);
        st.stock = [];
        await this.compareAndSwap(st, (doc, now) => ({ doc: { ...doc, holders: { ...doc.holders, [this.options.holder]: { seen: now, demand: 0 } } }, slots: [], released: 0 })).catch(() => undefined);
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
      .catch((err: unknown) => this.failed(st, err))
      .finally(() => {
        st.refill = undefined;
      });
    return st.refill;
  }

  /**
   * One read-modify-write of the family's document, retried with jitter while another runner
   * wins; `change` sees the document with our news of our slots already settled into it.
   */
  private async compareAndSwap<R extends { doc: LedgerDocument }>(st: FamilyState, change: (doc: LedgerDocument, now: number) => R): Promise<R> {
    const { store } = this.options;
    const since = this.options.clock.now();
    for (let attempt = 1; ; attempt++) {
      const news = st.news.pending();
      if (!st.cached) {
        this.metrics.reads++;
        const found = await store.read(st.name);
        st.cached = found ? { doc: this.parse(st, found.text), etag: found.etag } : undefined;
      }
      const now = this.options.clock.now();
      const result = change(settle(st.cached?.doc ?? emptyLedger(st.family, st.quota), this.options.holder, news, st.policy), now);
      this.metrics.writes++;
      this.count(st.family).writes++;
      const written = await store.write(st.name, JSON.stringify(result.doc), st.cached?.etag);
      if (written !== "conflict") {
        st.news.written(news);
        st.cached = { doc: result.doc, etag: written.etag };
        st.seen = now;
        return result;
      }
      this.metrics.conflicts++;
      this.count(st.family).conflicts++;
      st.cached = undefined;
      if (attempt >= MAX_CAS_ATTEMPTS && this.options.clock.now() - since >= st.policy.leaseMs) throw new QuotaLedgerError("contention", `${this.description}: lost ${attempt} compare-and-swap writes in a row to other runners over ${Math.round((this.options.clock.now() - since) / 1000)} s; too many runners share one ledger document, or one of them writes in a loop`);
      // Full jitter over a doubling span, so runners that collided do not collide again; never
      // more than a quarter of the horizon, so a lost write still lands before the slots it is for.
      await this.options.clock.sleep(Math.round((this.options.random ?? Math.random)() * Math.min(1_000, (st.policy.horizonMs ?? 4_000) / 4, 20 * 2 ** attempt)));
    }
  }

  private parse(st: FamilyState, text: string): LedgerDocument {
    try {
      return parseLedgerDocument(text, st.name, st.quota);
    } catch (err) {
      throw err instanceof LedgerDocumentProblem ? new QuotaLedgerError("config", `${this.description}: ${err.message}`, { cause: err }) : err;
    }
  }

  private failed(st: FamilyState, err: unknown): SlotAnswer {
    const ledgerError = err instanceof QuotaLedgerError ? err : new QuotaLedgerError("unavailable", `${this.description} is unavailable: ${(err as Error)?.message ?? String(err)}`, { cause: err });
    if (ledgerError.kind === "unavailable" && this.options.fallback === "local") this.fallBack(ledgerError);
    else st.error = ledgerError;
    return { retryInMs: 0 };
  }

  private fallBack(error: QuotaLedgerError): void {
    if (this.local) return;
    this.local = this.shadow;
    this.options.logger.warn(
      `${error.message}. mde:quotaLedgerFallback is local: from now on this runner counts only its own calls and relies on MDE's 429s; other runners sharing the app are NOT coordinated with.`,
    );
  }

  private count = (family: ApiFamily) => (this.metrics.byFamily[family] ??= { writes: 0, conflicts: 0, granted: 0 });
  private void(st: FamilyState, n: number): void {
    st.news.neverSent(st.stock.splice(0, n));
    this.metrics.voided += n;
  }

  private state(family: ApiFamily): FamilyState {
    let st = this.families.get(family);
    if (!st) {
      const quota = { ...(this.options.quotas?.[family] ?? MDE_QUOTAS[family]), timeScale: this.options.timeScale ?? 1 };
      const windows = windowsFor(quota, quota.timeScale);
      const marginMs = this.options.marginMs ?? 2_000;
      const policy: LedgerPolicy = { windows, marginMs, skewMs: Math.min(this.options.skewMs ?? 250, marginMs / 2), leaseMs: this.options.leaseMs ?? 30_000, batch: quota.perMinute, horizonMs: windows[0].lengthMs / 10 };
      st = { family, name: this.options.documentName(family), policy, quota, stock: [], news: new SlotNewsBook(), queued: 0, seen: -Infinity, retryAt: 0 };
      this.families.set(family, st);
    }
    return st;
  }
}
