/**
 * The proactive rate limiter: a FIFO scheduler over the pure windows of ./quotas, per API family.
 *
 * Why proactive: MDE's 429s are expensive (Retry-After grows when retried early, and the hourly
 * window can lock a tenant out for most of an hour), so calls wait for a free slot *before* being
 * sent. FIFO order keeps the waits predictable: the k-th waiter's grant time is known when it
 * queues, and it is told so through `onWait`.
 *
 * Why a call counts from its reply (`acquireLease`): MDE counts a call when it arrives, which is
 * some time after we let it go (queueing for a connection, TLS, the network). A window that
 * frees exactly 60 s after the *grant* lets the next burst arrive less than 60 s after the
 * previous one did, and MDE answers 429, counts the refusal, and extends the window
 * (bench/results: 640 refused POSTs for 1000 collections before this). Moving each grant to the
 * instant its reply arrived, a moment MDE had certainly counted the call by, makes the client's
 * windows end after MDE's whatever the latency, at the cost of that latency once per window.
 */
import type { Clock } from "../util/clock";
import { processSingleton } from "../util/registry";
import type { Policy } from "./pipeline";
import {
  type ApiFamily,
  type FamilyQuota,
  MDE_QUOTAS,
  nextGrantTimes,
  pruneGrants,
  type QuotaWindow,
  waitTimeMs,
  windowsFor,
} from "./quotas";

/** Told how long a call will wait for a quota slot (only when it must wait). */
export type WaitHook = (family: ApiFamily, waitMs: number) => void;

/** What the pipeline needs from a limiter. */
export interface RateLimiter {
  /** Resolves when a call of `family` may be sent; rejects with the signal's reason when aborted. */
  acquire(family: ApiFamily, signal?: AbortSignal, onWait?: WaitHook): Promise<void>;
  /**
   * Like `acquire`; the function it resolves with is called once the call's reply (or its
   * failure) has arrived, and the call then counts in the windows from that instant.
   */
  acquireLease?(family: ApiFamily, signal?: AbortSignal, onWait?: WaitHook): Promise<() => void>;
}

export interface RateLimiterOptions {
  clock: Clock;
  /** Per-family overrides of {@link MDE_QUOTAS} (e.g. a tenant with a negotiated quota). */
  quotas?: Partial<Record<ApiFamily, FamilyQuota>>;
  /** Divides every window length; see `windowsFor`. @default 1 */
  timeScale?: number;
  /** Called for every wait, whoever waits. */
  onWait?: WaitHook;
}

interface Waiter {
  /** Called with the grant's instant. */
  resolve: (grantedAt: number) => void;
}

interface FamilyState {
  windows: QuotaWindow[];
  grants: number[];
  queue: Waiter[];
  pumping: boolean;
  /** Cancels the scheduler's sleep when the queue empties, so no timer outlives its waiters. */
  sleepAbort?: AbortController;
}

/** Two sliding windows per family, FIFO within a family, families independent of each other. */
export class SlidingWindowLimiter implements RateLimiter {
  private readonly states = new Map<ApiFamily, FamilyState>();

  constructor(private readonly options: RateLimiterOptions) {}

  acquire(family: ApiFamily, signal?: AbortSignal, onWait?: WaitHook): Promise<void> {
    return this.take(family, signal, onWait).then(() => undefined);
  }

  async acquireLease(family: ApiFamily, signal?: AbortSignal, onWait?: WaitHook): Promise<() => void> {
    const grantedAt = await this.take(family, signal, onWait);
    let done = false;
    return () => {
      if (done) return;
      done = true;
      this.countFromNow(family, grantedAt);
    };
  }

  /** Milliseconds until the next call of `family` in line may be sent (0: a slot is free), for progress lines. */
  nextSlotInMs(family: ApiFamily): number {
    const state = this.state(family);
    const now = this.options.clock.now();
    return waitTimeMs(pruneGrants(state.grants, state.windows, now), state.windows, now);
  }

  /** Resolves with the instant the call was granted. */
  private take(family: ApiFamily, signal?: AbortSignal, onWait?: WaitHook): Promise<number> {
    if (signal?.aborted) return Promise.reject(signal.reason);
    const state = this.state(family);
    const now = this.options.clock.now();
    state.grants = pruneGrants(state.grants, state.windows, now);
    if (state.queue.length === 0 && waitTimeMs(state.grants, state.windows, now) <= 0) {
      state.grants.push(now);
      return Promise.resolve(now);
    }
    const grantAt = nextGrantTimes(state.grants, state.windows, now, state.queue.length + 1).at(-1) ?? now;
    this.options.onWait?.(family, grantAt - now);
    onWait?.(family, grantAt - now);
    return new Promise<number>((resolve, reject) => {
      const onAbort = () => {
        state.queue = state.queue.filter((w) => w !== waiter);
        if (state.queue.length === 0) state.sleepAbort?.abort();
        reject(signal?.reason);
      };
      const waiter: Waiter = {
        resolve: (grantedAt) => {
          signal?.removeEventListener("abort", onAbort);
          resolve(grantedAt);
        },
      };
      signal?.addEventListener("abort", onAbort, { once: true });
      state.queue.push(waiter);
      void this.pump(state);
    });
  }

  /** Moves one grant made at `grantedAt` to now, keeping the grants in order. */
  private countFromNow(family: ApiFamily, grantedAt: number): void {
    const state = this.state(family);
    const now = this.options.clock.now();
    if (now <= grantedAt) return;
    const i = state.grants.lastIndexOf(grantedAt);
    if (i >= 0) state.grants.splice(i, 1);
    let at = state.grants.length;
    while (at > 0 && state.grants[at - 1] > now) at--;
    state.grants.splice(at, 0, now);
  }

  private state(family: ApiFamily): FamilyState {
    let s = this.states.get(family);
    if (!s) {
      const quota = this.options.quotas?.[family] ?? MDE_QUOTAS[family];
      s = { windows: windowsFor(quota, this.options.timeScale ?? 1), grants: [], queue: [], pumping: false };
      this.states.set(family, s);
    }
    return s;
  }

  /** Grants queued waiters in order, sleeping on the clock until each slot frees up. */
  private async pump(state: FamilyState): Promise<void> {
    if (state.pumping) return;
    state.pumping = true;
    try {
      while (state.queue.length > 0) {
        const now = this.options.clock.now();
        state.grants = pruneGrants(state.grants, state.windows, now);
        const wait = waitTimeMs(state.grants, state.windows, now);
        if (wait <= 0) {
          state.grants.push(now);
          state.queue.shift()?.resolve(now);
          continue;
        }
        state.sleepAbort = new AbortController();
        await this.options.clock.sleep(wait, state.sleepAbort.signal).catch(() => undefined);
      }
    } finally {
      state.pumping = false;
      state.sleepAbort = undefined;
    }
  }
}

/**
 * Waits for a quota slot before each attempt (the "throttle" stage of the pipeline) and, with a
 * limiter that supports it, counts the attempt from its reply (see the top of this file).
 */
export function throttlePolicy(limiter: RateLimiter, onWait?: WaitHook): Policy {
  return {
    name: "throttle",
    async send(request, next) {
      if (!limiter.acquireLease) {
        await limiter.acquire(request.family, request.signal, onWait);
        return next(request);
      }
      const replied = await limiter.acquireLease(request.family, request.signal, onWait);
      try {
        return await next(request);
      } finally {
        replied();
      }
    },
  };
}

/**
 * The limiter shared by every client in this process for `key` (a `settingsKey`): MDE's quotas
 * are per tenant and app, so every resource of a deployment must draw from the same windows.
 * The first caller's options win.
 */
export function getSharedLimiter(key: string, options: RateLimiterOptions): RateLimiter {
  return processSingleton("limiters", key, () => new SlidingWindowLimiter(options));
}
