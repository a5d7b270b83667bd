/**
 * Time is injected everywhere quotas, retries, polling or token lifetimes are computed, so
 * tests can run those schedules in virtual time and assert exact instants.
 */
import { InvalidArgumentError } from "./error";
export interface Clock {
  /** Milliseconds since the Unix epoch. */
  now(): number;
  /** Resolves after `ms` of this clock's time; rejects with the signal's reason when aborted. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

/**
 * Node turns a timer longer than 2^31-1 ms into 1 ms, which would make a long wait a busy loop;
 * long sleeps are therefore chained in slices.
 */
const MAX_TIMER_MS = 2_147_483_647;

export const systemClock: Clock = {
  now: () => Date.now(),
  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      if (signal?.aborted) return reject(signal.reason);
      let remaining = Math.max(0, ms);
      let timer: NodeJS.Timeout;
      const onAbort = () => {
        clearTimeout(timer);
        reject(signal?.reason);
      };
      const tick = () => {
        if (remaining <= 0) {
          signal?.removeEventListener("abort", onAbort);
          return resolve();
        }
        const slice = Math.min(remaining, MAX_TIMER_MS);
        remaining -= slice;
        timer = setTimeout(tick, slice);
      };
      signal?.addEventListener("abort", onAbort, { once: true });
      tick();
    });
  },
};

/**
 * A clock that runs `scale` times faster than real time from `origin` on: the emulator's
 * `--time-scale` and time-scaled benchmarks use it so minutes of MDE behaviour take seconds.
 */
export function scaledClock(scale: number, base: Clock = systemClock, origin = base.now()): Clock {
  if (!(scale > 0)) throw new InvalidArgumentError(`time scale must be a positive number, got ${scale}`);
  return {
    now: () => origin + (base.now() - origin) * scale,
    sleep: (ms, signal) => base.sleep(ms / scale, signal),
  };
}
