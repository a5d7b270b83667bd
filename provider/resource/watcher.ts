/**
 * One process-wide watcher for all machine actions being waited on. Instead of every resource
 * polling its own action (one GET each per interval, which eats the 100/min read quota as the
 * fleet grows), the watcher asks for up to CHUNK_SIZE actions in one list call per interval.
 * The interval grows with the age of the youngest action: fresh collections change state within
 * seconds, while one pending on an offline device can sit for hours.
 *
 * Age grows on the watcher's own clock. The action's creationDateTimeUtc is on the API's clock,
 * which may run ahead (an emulator's time scale) or drift: it only dates the start when it lies
 * in our past; otherwise the age counts from when the wait began. Mixing the two clocks gave
 * negative ages under a time scale, and polling never slowed down.
 */
import { FINAL_STATUSES, type MachineAction } from "../api/schemas";
import type { Clock } from "../util/clock";
import { odataString } from "../api/ids";
import { ForensicsError } from "../util/error";
import type { CollectionApi } from "../api/collectionApi";

export interface WatcherOptions {
  /** Actions per list call; 50 ids keep the URL around 2.5 KB, far below proxies' limits. @default 50 */
  chunkSize: number;
  /** Polling interval by action age: [age up to (ms), interval (ms)], ascending. */
  intervalsByAgeMs: ReadonlyArray<readonly [number, number]>;
  /** Interval once every action is older than the last step. @default 60 000 */
  maxIntervalMs: number;
  /** Share of the 100/min read quota polling may use; the rest is left for creates and refresh. @default 50 */
  pollCallsPerMinute: number;
}

export const DEFAULT_WATCHER_OPTIONS: WatcherOptions = {
  chunkSize: 50,
  intervalsByAgeMs: [
    [2 * 60_000, 5_000],
    [10 * 60_000, 15_000],
    [60 * 60_000, 30_000],
  ],
  maxIntervalMs: 60_000,
  pollCallsPerMinute: 50,
};

/** The same schedule, `timeScale` times faster: for emulators whose clock runs faster than ours. */
export function scaledWatcherOptions(timeScale: number, base: WatcherOptions = DEFAULT_WATCHER_OPTIONS): WatcherOptions {
  return {
    ...base,
    intervalsByAgeMs: base.intervalsByAgeMs.map(([age, interval]) => [age / timeScale, interval / timeScale] as const),
    maxIntervalMs: base.maxIntervalMs / timeScale,
    pollCallsPerMinute: base.pollCallsPerMinute * timeScale,
  };
}

export class WaitTimeoutError extends ForensicsError {
  override readonly name = "WaitTimeoutError";
  constructor(readonly last: MachineAction) {
    super(`still ${last.status} when the wait ended`);
  }
}

interface Entry {
  last: MachineAction;
  /** When the action started as far as our clock can tell: never later than when the wait began. */
  sinceMs: number;
  /** Detached when the wait ends, so a long-lived signal does not collect dead listeners. */
  onAbort?: () => void;
  deadlineMs: number;
  onChange?: (action: MachineAction) => void;
  resolve: (a: MachineAction) => void;
  reject: (e: unknown) => void;
  signal?: AbortSignal;
}

export class ActionWatcher {
  private readonly entries = new Map<string, Entry[]>();
  private loop?: Promise<void>;
  private wake?: AbortController;
  /** List calls made, for benchmarks and tests. */
  listCalls = 0;

  constructor(
    private readonly api: Pick<CollectionApi, "listMachineActions">,
    private readonly clock: Clock,
    private readonly options: WatcherOptions = DEFAULT_WATCHER_OPTIONS,
  ) {}

  /** Resolves with the action once it reaches a final status; rejects with WaitTimeoutError at the deadline. */
  waitForFinal(
    action: MachineAction,
    options: { deadlineMs: number; onChange?: (a: MachineAction) => void; signal?: AbortSignal },
  ): Promise<MachineAction> {
    if (FINAL_STATUSES.has(action.status)) return Promise.resolve(action);
    return new Promise<MachineAction>((resolve, reject) => {
      const now = this.clock.now();
      const sinceMs = Math.min(now, Date.parse(action.creationDateTimeUtc) || now);
      const entry: Entry = { last: action, sinceMs, ...options, resolve, reject };
      const list = this.entries.get(action.id) ?? [];
      list.push(entry);
      this.entries.set(action.id, list);
      if (options.signal) {
        entry.onAbort = () => this.settle(action.id, entry, () => reject(options.signal?.reason));
        options.signal.addEventListener("abort", entry.onAbort, { once: true });
      }
      this.wake?.abort();
      this.loop ??= this.run().finally(() => (this.loop = undefined));
    });
  }

  get watching(): number {
    return this.entries.size;
  }

  private async run(): Promise<void> {
    let lastPollAt = this.clock.now();
    while (this.entries.size > 0) {
      const dueAt = this.nextPollAt(lastPollAt);
      const delay = dueAt - this.clock.now();
      if (delay > 0) {
        // A new waiter wakes the loop only to recompute when the next poll is due, never to poll
        // at once: a thousand creates still cost one list call per interval.
        this.wake = new AbortController();
        await this.clock.sleep(delay, this.wake.signal).catch(() => undefined);
      }
      this.expireDeadlines();
      if (this.entries.size === 0) break;
      if (this.clock.now() < this.nextPollAt(lastPollAt)) continue;
      lastPollAt = this.clock.now();
      await this.pollOnce();
    }
  }

  /**
   * When the next poll is due: the interval for the youngest action, stretched so that polling
   * uses at most `pollCallsPerMinute` of the read quota, and cut short by the nearest deadline.
   */
  private nextPollAt(lastPollAt: number): number {
    const now = this.clock.now();
    let youngestAgeMs = Infinity;
    let nearestDeadline = Infinity;
    for (const list of this.entries.values()) {
      for (const e of list) {
        youngestAgeMs = Math.min(youngestAgeMs, now - e.sinceMs);
        nearestDeadline = Math.min(nearestDeadline, e.deadlineMs);
      }
    }
    const step = this.options.intervalsByAgeMs.find(([age]) => youngestAgeMs <= age);
    const byAge = step ? step[1] : this.options.maxIntervalMs;
    const chunks = Math.ceil(this.entries.size / this.options.chunkSize);
    const byQuota = (chunks * 60_000) / this.options.pollCallsPerMinute;
    return Math.min(lastPollAt + Math.max(byAge, byQuota), nearestDeadline);
  }

  private expireDeadlines(): void {
    const now = this.clock.now();
    for (const [id, list] of this.entries) {
      for (const e of [...list]) {
        if (e.deadlineMs <= now) this.settle(id, e, () => e.reject(new WaitTimeoutError(e.last)));
      }
    }
  }

  private async pollOnce(): Promise<void> {
    const ids = [...this.entries.keys()];
    for (let i = 0; i < ids.length; i += this.options.chunkSize) {
      const chunk = ids.slice(i, i + this.options.chunkSize);
      const filter = chunk.map((id) => `id eq ${odataString(id)}`).join(" or ");
      let actions: MachineAction[];
      try {
        this.listCalls++;
        actions = await this.api.listMachineActions({ filter, top: chunk.length });
      } catch (err) {
        // The client already retried what can be retried: every waiter of this chunk learns why.
        for (const id of chunk) for (const e of [...(this.entries.get(id) ?? [])]) this.settle(id, e, () => e.reject(err));
        continue;
      }
      for (const action of actions) this.deliver(action);
    }
  }

  private deliver(action: MachineAction): void {
    for (const e of [...(this.entries.get(action.id) ?? [])]) {
      const changed = e.last.status !== action.status;
      e.last = action;
      if (changed) e.onChange?.(action);
      if (FINAL_STATUSES.has(action.status)) this.settle(action.id, e, () => e.resolve(action));
    }
  }

  private settle(id: string, entry: Entry, finish: () => void): void {
    const list = this.entries.get(id);
    if (!list || !list.includes(entry)) return;
    const rest = list.filter((e) => e !== entry);
    if (rest.length > 0) this.entries.set(id, rest);
    else this.entries.delete(id);
    if (entry.onAbort) entry.signal?.removeEventListener("abort", entry.onAbort);
    finish();
  }
}
