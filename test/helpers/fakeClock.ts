import type { Clock } from "../../provider/util/clock";

interface Sleeper {
  at: number;
  seq: number;
  resolve: () => void;
}

/**
 * Virtual time for tests: `sleep` only resolves when the test advances the clock, in due order,
 * and `advance` lets the promise callbacks of each woken sleeper run before moving on.
 */
export class FakeClock implements Clock {
  private current: number;
  private sleepers: Sleeper[] = [];
  private seq = 0;
  /** Every sleep requested, in ms, in order: lets tests assert exact schedules. */
  readonly sleeps: number[] = [];

  constructor(start = Date.UTC(2026, 0, 1)) {
    this.current = start;
  }

  now(): number {
    return this.current;
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    this.sleeps.push(ms);
    return new Promise<void>((resolve, reject) => {
      if (signal?.aborted) return reject(signal.reason);
      const sleeper: Sleeper = { at: this.current + Math.max(0, ms), seq: this.seq++, resolve };
      signal?.addEventListener(
        "abort",
        () => {
          this.sleepers = this.sleepers.filter((s) => s !== sleeper);
          reject(signal.reason);
        },
        { once: true },
      );
      this.sleepers.push(sleeper);
    });
  }

  /** Number of sleepers waiting. */
  get pending(): number {
    return this.sleepers.length;
  }

  /** Moves time forward by `ms`, waking sleepers whose time has come, earliest first. */
  async advance(ms: number): Promise<void> {
    const target = this.current + ms;
    for (;;) {
      await flushMicrotasks();
      const next = this.sleepers.filter((s) => s.at <= target).sort((a, b) => a.at - b.at || a.seq - b.seq)[0];
      if (!next) break;
      this.sleepers = this.sleepers.filter((s) => s !== next);
      this.current = Math.max(this.current, next.at);
      next.resolve();
    }
    this.current = target;
    await flushMicrotasks();
  }

  /** Advances to each next sleeper until `promise` settles (or `maxMs` of virtual time passes). */
  async runUntilSettled<T>(promise: Promise<T>, maxMs = 24 * 3600_000): Promise<T> {
    let settled = false;
    const watched = promise.finally(() => {
      settled = true;
    });
    watched.catch(() => undefined);
    const deadline = this.current + maxMs;
    await flushMicrotasks();
    while (!settled) {
      const next = this.sleepers.sort((a, b) => a.at - b.at || a.seq - b.seq)[0];
      if (!next || next.at > deadline) break;
      await this.advance(next.at - this.current);
    }
    return watched;
  }
}

/** Lets every already-queued promise callback (and the ones they queue) run. */
export async function flushMicrotasks(rounds = 20): Promise<void> {
  for (let i = 0; i < rounds; i++) await new Promise<void>((r) => setImmediate(r));
}
