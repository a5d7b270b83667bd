/**
 * Where the limiter's quota slots come from: one interface, two sources, chosen once from the
 * settings (clientPipeline.ts).
 *
 * - {@link LocalSlotSource}: this process's own sliding windows, as if it had MDE's quota alone
 *   (one `pulumi up`, the default);
 * - the shared quota ledger (./ledger/ledgerSlots.ts): slots reserved in an Azure Storage blob
 *   that every runner signed in as the same app draws from (`mde:quotaLedger`).
 *
 * The limiter (./limiter.ts) keeps the FIFO queue and the sleeping; a source only says whether
 * the caller at the head of the queue may go now, or how long to wait before asking again.
 */
import type { Clock } from "../util/clock";
import { type ApiFamily, type FamilyQuota, MDE_QUOTAS, nextGrantTimes, pruneGrants, type QuotaWindow, waitTimeMs, windowsFor } from "./quotas";

/** A slot granted now (`grantedAt`), or the time to wait before asking again. */
export type SlotAnswer = { grantedAt: number } | { retryInMs: number };

export interface SlotSource {
  /** For log lines: "this process's own windows", "quota ledger azblob://…". */
  readonly description: string;
  /**
   * The head of `family`'s queue asks for a slot; `queued` callers wait in all (the head
   * included), which a shared source announces as this process's demand. A promise only when
   * the source had to ask elsewhere; the answer is then re-asked, not taken as a grant.
   */
  take(family: ApiFamily, queued: number): SlotAnswer | Promise<SlotAnswer>;
  /** The call granted at `grantedAt` has its reply now: MDE has certainly counted it by now. */
  replied(family: ApiFamily, grantedAt: number): void;
  /** Milliseconds until the `position`-th caller in line (1: the next) would get a slot; exact for the local source, an estimate for a shared one. */
  waitForMs(family: ApiFamily, position: number): number;
  /** Proves the source can be used (a shared one: reachable, allowed); throws with what to fix. */
  preflight?(): Promise<void>;
  /** Gives back what this process holds and no longer needs (a shared one: future reservations). */
  close?(): Promise<void>;
}

export interface LocalSlotOptions {
  clock: Clock;
  /** Per-family overrides of {@link MDE_QUOTAS}. */
  quotas?: Partial<Record<ApiFamily, FamilyQuota>>;
  /** Divides every window length; see `windowsFor`. @default 1 */
  timeScale?: number;
}

/** This process's own two sliding windows per family: exact, and blind to every other runner. */
export class LocalSlotSource implements SlotSource {
  readonly description = "this process's own quota windows";
  private readonly families = new Map<ApiFamily, { windows: QuotaWindow[]; grants: number[] }>();

  constructor(private readonly options: LocalSlotOptions) {}

  take(family: ApiFamily): SlotAnswer {
    const state = this.state(family);
    const now = this.options.clock.now();
    state.grants = pruneGrants(state.grants, state.windows, now);
    const wait = waitTimeMs(state.grants, state.windows, now);
    if (wait > 0) return { retryInMs: wait };
    state.grants.push(now);
    return { grantedAt: now };
  }

  /** Moves the grant made at `grantedAt` to now, keeping the grants in order (see limiter.ts). */
  replied(family: ApiFamily, grantedAt: number): void {
    const state = this.state(family);
    const now = this.options.clock.now();
    if (now <= grantedAt) return;
    const i = state.grants.lastIndexOf(grantedAt);
    if (i >= 0) state.grants.splice(i, 1);
    let at = state.grants.length;
    while (at > 0 && state.grants[at - 1] > now) at--;
    state.grants.splice(at, 0, now);
  }

  waitForMs(family: ApiFamily, position: number): number {
    const state = this.state(family);
    const now = this.options.clock.now();
    state.grants = pruneGrants(state.grants, state.windows, now);
    if (position <= 1) return waitTimeMs(state.grants, state.windows, now);
    return (nextGrantTimes(state.grants, state.windows, now, position).at(-1) ?? now) - now;
  }

  /** Records a grant made elsewhere (a shared source falling back here keeps its history); keeps what a window can still see. */
  record(family: ApiFamily, at: number): void {
    const state = this.state(family);
    state.grants = pruneGrants(state.grants, state.windows, at);
    let i = state.grants.length;
    while (i > 0 && state.grants[i - 1] > at) i--;
    state.grants.splice(i, 0, at);
  }

  private state(family: ApiFamily) {
    let s = this.families.get(family);
    if (!s) {
      const quota = this.options.quotas?.[family] ?? MDE_QUOTAS[family];
      s = { windows: windowsFor(quota, this.options.timeScale ?? 1), grants: [] };
      this.families.set(family, s);
    }
    return s;
  }
}
