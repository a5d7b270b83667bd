/**
 * The adoption pre-check of every create ("is a collection already running on this machine?"),
 * batched across the creates that run at the same time.
 *
 * Why: one list call per create costs a read-quota slot per machine. A sweep of 1000 machines
 * would spend 1000 of the read family's 100/min and 1500/h on it, in the same FIFO as the
 * watcher's polls: the pre-checks alone would take 10 minutes of read quota, and every POST
 * waits behind its pre-check (bench/results: "ours, unbatched pre-check"). Here the machines of
 * concurrent creates share list calls of up to `chunkSize` machines each, so the pre-check of a
 * 1000-machine sweep costs about 25 calls.
 *
 * A call leaves when its chunk is full or `gatherMs` after its first machine arrived, whichever
 * comes first; creates arriving meanwhile join it. The answer is only a hint for the moment it
 * was read: a collection started after it still turns the POST into a 400, which the client
 * resolves by adopting (provider/api/collect.ts).
 *
 * A shared call also shares its failures: a 429 storm that outlasts the client's retries would
 * fail every create of the chunk at once, where separate pre-checks would each have had their
 * own retries. So a chunk that failed for a transient reason is queued once more (`rounds`)
 * before its creates fail; a refusal (400, 401, 403, 404) fails them at once.
 */
import { ACTIVE_STATUSES, COLLECT_ACTION_TYPE, type MachineAction } from "../api/schemas";
import { isMdeError } from "../api/errors";
import { odataString, parseMachineId } from "../api/ids";
import { parseTimestamp } from "../api/responses";
import type { Clock } from "../util/clock";
import type { CollectionApi } from "./collectionApi";

export interface ActiveCollectionOptions {
  /**
   * Machines per list call. 40 machine-id clauses plus the type and status clauses keep the
   * encoded URL near 3 KB, like the watcher's 50 action ids. @default 40
   */
  chunkSize: number;
  /** How long the first machine of a call waits for others to join it. @default 1000 */
  gatherMs: number;
  /** List calls a machine's pre-check may take part in when they fail transiently. @default 2 */
  rounds: number;
}

export const DEFAULT_ACTIVE_COLLECTION_OPTIONS: ActiveCollectionOptions = { chunkSize: 40, gatherMs: 1_000, rounds: 2 };

/** The same options for an API whose clock runs `timeScale` times faster than ours. */
export function scaledActiveCollectionOptions(timeScale: number, base = DEFAULT_ACTIVE_COLLECTION_OPTIONS): ActiveCollectionOptions {
  return { ...base, gatherMs: base.gatherMs / timeScale };
}

/** The `$filter` for the running collections of `machineIds`. */
export function activeCollectionsFilter(machineIds: readonly string[]): string {
  const machines = machineIds.map((id) => `machineId eq ${odataString(id)}`).join(" or ");
  return `type eq ${odataString(COLLECT_ACTION_TYPE)} and (status eq 'Pending' or status eq 'InProgress') and (${machines})`;
}

interface Waiter {
  resolve: (a: MachineAction | undefined) => void;
  reject: (e: unknown) => void;
  /** List calls this waiter has been part of. */
  rounds: number;
}

/** Errors no second call would change. */
const REFUSALS = new Set([400, 401, 403, 404]);

export class ActiveCollectionFinder {
  /** Machines waiting for the next call, in arrival order. */
  private queue = new Map<string, Waiter[]>();
  private timer?: AbortController;
  /** List calls made, for benchmarks and tests. */
  listCalls = 0;

  constructor(
    private readonly api: Pick<CollectionApi, "listMachineActions">,
    private readonly clock: Clock,
    options: Partial<ActiveCollectionOptions> = {},
  ) {
    this.options = { ...DEFAULT_ACTIVE_COLLECTION_OPTIONS, ...options };
    if (!(this.options.chunkSize >= 1)) throw new RangeError(`chunkSize must be at least 1, got ${this.options.chunkSize}`);
  }

  private readonly options: ActiveCollectionOptions;

  /** The newest Pending or InProgress collection on `machineId`, if any. */
  find(machineId: string): Promise<MachineAction | undefined> {
    return new Promise((resolve, reject) => {
      this.enqueue(parseMachineId(machineId), [{ resolve, reject, rounds: 0 }]);
    });
  }

  private enqueue(machineId: string, waiters: Waiter[]): void {
    this.queue.set(machineId, [...(this.queue.get(machineId) ?? []), ...waiters]);
    if (this.queue.size >= this.options.chunkSize) this.flush();
    else if (!this.timer) this.startTimer();
  }

  private startTimer(): void {
    const timer = new AbortController();
    this.timer = timer;
    this.clock.sleep(this.options.gatherMs, timer.signal).then(
      () => {
        if (this.timer === timer) this.flush();
      },
      () => undefined,
    );
  }

  /** Sends every queued machine, in calls of at most `chunkSize`. */
  private flush(): void {
    this.timer?.abort();
    this.timer = undefined;
    const entries = [...this.queue];
    this.queue = new Map();
    for (let i = 0; i < entries.length; i += this.options.chunkSize) {
      void this.call(new Map(entries.slice(i, i + this.options.chunkSize)));
    }
  }

  private async call(chunk: Map<string, Waiter[]>): Promise<void> {
    const ids = [...chunk.keys()];
    let actions: MachineAction[];
    try {
      this.listCalls++;
      actions = await this.api.listMachineActions({ filter: activeCollectionsFilter(ids) });
    } catch (err) {
      // The client already retried this call; a transient failure gets the chunk one more call.
      const refused = isMdeError(err) && REFUSALS.has(err.status ?? 0);
      for (const [id, waiters] of chunk) {
        for (const w of waiters) w.rounds++;
        const again = refused ? [] : waiters.filter((w) => w.rounds < this.options.rounds);
        for (const w of waiters) if (!again.includes(w)) w.reject(err);
        if (again.length > 0) this.enqueue(id, again);
      }
      return;
    }
    for (const [id, waiters] of chunk) {
      const newest = newestActive(actions, id);
      for (const w of waiters) w.resolve(newest);
    }
  }
}

/** Filtered again locally in case the service ignores part of the filter, as the client's own pre-check does. */
function newestActive(actions: readonly MachineAction[], machineId: string): MachineAction | undefined {
  return actions
    .filter((a) => a.machineId.toLowerCase() === machineId && a.type === COLLECT_ACTION_TYPE && ACTIVE_STATUSES.has(a.status))
    .sort((a, b) => (parseTimestamp(b.creationDateTimeUtc) ?? 0) - (parseTimestamp(a.creationDateTimeUtc) ?? 0))[0];
}
