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
 *
 * Which windows: a {@link SlotSource} (./slots.ts) says when the head of the queue may go. By
 * default this process's own; with `mde:quotaLedger`, slots reserved in the ledger every runner
 * of the tenant and app shares (./ledger/). The queue, the waits and the abort handling stay here.
 */
import { processSingleton } from "../util/registry";
import type { Policy } from "./pipeline";
import type { ApiFamily } from "./quotas";
import { LocalSlotSource, type LocalSlotOptions, type SlotAnswer, type SlotSource } from "./slots";

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
  /** Proves the slot source can be used before anything is requested (the shared ledger: reachable, allowed). */
  preflight?(): Promise<void>;
  /** Gives back what the slot source holds and will not use (the shared ledger: future slots); the limiter stays usable. */
  close?(): Promise<void>;
}

/** The clock, quotas (e.g. a tenant's negotiated ones) and time scale are the local slot source's, which they build. */
export interface RateLimiterOptions extends LocalSlotOptions {
  /** Called for every wait, whoever waits. */
  onWait?: WaitHook;
  /** Where slots come from. @default this process's own windows ({@link LocalSlotSource}) */
  slots?: SlotSource;
}

interface Waiter {
  /** Called with the grant's instant. */
  resolve: (grantedAt: number) => void;
  reject: (reason: unknown) => void;
}

interface FamilyState {
  queue: Waiter[];
  pumping: boolean;
  /** Cancels the scheduler's sleep when the queue empties, so no timer outlives its waiters. */
  sleepAbort?: AbortController;
}

/** FIFO within a family, families independent of each other; the slots come from a {@link SlotSource}. */
export class SlidingWindowLimiter implements RateLimiter {
  private readonly states = new Map<ApiFamily, FamilyState>();
  readonly slots: SlotSource;

  constructor(private readonly options: RateLimiterOptions) {
    this.slots = options.slots ?? new LocalSlotSource(options);
  }

  acquire(family: ApiFamily, signal?: AbortSignal, onWait?: WaitHook): Promise<void> {
    return this.take(family, signal, onWait).then(() => undefined);
  }

  async acquireLease(family: ApiFamily, signal?: AbortSignal, onWait?: WaitHook): Promise<() => void> {
    const grantedAt = await this.take(family, signal, onWait);
    let done = false;
    return () => {
      if (done) return;
      done = true;
      this.slots.replied(family, grantedAt);
    };
  }

  async preflight(): Promise<void> {
    await this.slots.preflight?.();
  }

  async close(): Promise<void> {
    await this.slots.close?.();
  }

  /** Milliseconds until the next call of `family` in line may be sent (0: a slot is free), for progress lines. */
  nextSlotInMs(family: ApiFamily): number {
    return this.slots.waitForMs(family, 1);
  }

  /** Resolves with the instant the call was granted. */
  private take(family: ApiFamily, signal?: AbortSignal, onWait?: WaitHook): Promise<number> {
    if (signal?.aborted) return Promise.reject(signal.reason);
    const state = this.state(family);
    if (state.queue.length === 0) {
      const answer = this.slots.take(family, 1);
      if (!(answer instanceof Promise) && "grantedAt" in answer) return Promise.resolve(answer.grantedAt);
      // The pump below asks again and sees the same outcome (a shared source shares one refill).
      if (answer instanceof Promise) answer.catch(() => undefined);
    }
    const waitMs = this.slots.waitForMs(family, state.queue.length + 1);
    this.options.onWait?.(family, waitMs);
    onWait?.(family, waitMs);
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
        reject: (reason) => {
          signal?.removeEventListener("abort", onAbort);
          reject(reason);
        },
      };
      signal?.addEventListener("abort", onAbort, { once: true });
      state.queue.push(waiter);
      void this.pump(family, state);
    });
  }

  private state(family: ApiFamily): FamilyState {
    let s = this.states.get(family);
    if (!s) {
      s = { queue: [], pumping: false };
      this.states.set(family, s);
    }
    return s;
  }

  /**
   * Grants queued waiters in order, sleeping on the clock until the source has a slot. A source
   * error (the shared ledger refused) rejects every waiter of the family: nothing is sent.
   */
  private async pump(family: ApiFamily, state: FamilyState): Promise<void> {
    if (state.pumping) return;
    state.pumping = true;
    try {
      while (state.queue.length > 0) {
        let answer: SlotAnswer;
        try {
          const asked = this.slots.take(family, state.queue.length);
          // A promise: the source asked elsewhere (the ledger); ask again with the queue as it is now.
          if (asked instanceof Promise) {
            answer = await asked;
            if (!("grantedAt" in answer) && answer.retryInMs <= 0) continue;
          } else answer = asked;
        } catch (err) {
          const waiters = state.queue;
          state.queue = [];
          for (const w of waiters) w.reject(err);
          break;
        }
        if ("grantedAt" in answer) {
          state.queue.shift()?.resolve(answer.grantedAt);
          continue;
        }
        state.sleepAbort = new AbortController();
        await this.options.clock.sleep(answer.retryInMs, state.sleepAbort.signal).catch(() => undefined);
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
