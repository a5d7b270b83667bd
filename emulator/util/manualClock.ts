/**
 * A clock that only moves when told to: tests, and `--manual-clock` demos driven through
 * `POST /_emulator/clock/advance`, step through minutes or days of action lifecycle instantly.
 * Unlike test/helpers/fakeClock.ts it lives in the emulator, so the CLI can use it too.
 */
import type { Clock } from "../../provider/util/clock";
import { InvalidArgumentError } from "../../provider/util/error";

/** A clock that can be advanced; the control endpoint's `clock/advance` needs one. */
export interface AdvanceableClock extends Clock {
  advance(ms: number): void | Promise<void>;
}

export function isAdvanceable(clock: Clock): clock is AdvanceableClock {
  return typeof (clock as Partial<AdvanceableClock>).advance === "function";
}

export class ManualClock implements AdvanceableClock {
  private current: number;
  private waiters: Array<{ at: number; resolve: () => void }> = [];

  /**
   * @param start emulated epoch ms. @default the current second: clients compare reply timestamps
   * with their own clock (e.g. "was this action created by my POST?"), so a manual clock starts
   * at real time and only then stops following it.
   */
  constructor(start = Math.floor(Date.now() / 1000) * 1000) {
    this.current = start;
  }

  now(): number {
    return this.current;
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      if (signal?.aborted) return reject(signal.reason);
      const waiter = { at: this.current + Math.max(0, ms), resolve };
      signal?.addEventListener("abort", () => {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        reject(signal.reason);
      }, { once: true });
      this.waiters.push(waiter);
    });
  }

  /** Moves time forward and wakes the sleepers that are due. */
  advance(ms: number): void {
    if (!(ms >= 0)) throw new InvalidArgumentError(`cannot advance the clock by ${ms} ms`);
    this.current += ms;
    const due = this.waiters.filter((w) => w.at <= this.current);
    this.waiters = this.waiters.filter((w) => w.at > this.current);
    due.forEach((w) => w.resolve());
  }
}
