/**
 * The pre-check of every create ("which collections does this device have?"), batched across the
 * creates that run at the same time. Each create then sorts the answer for its own marker
 * (./candidates `classify`).
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
 * resolves by adopting (./request.ts).
 *
 * A shared call also shares its failures: a 429 storm that outlasts the client's retries would
 * fail every create of the chunk at once, where separate pre-checks would each have had their
 * own retries. So a chunk that failed for a transient reason is queued once more (`rounds`)
 * before its creates fail; a refusal (400, 401, 403, 404) fails them at once.
 */
import { isMdeError } from "../api/errors";
import { parseMachineId } from "../api/ids";
import type { MachineAction } from "../api/schemas";
import type { CollectionApi } from "../api/collectionApi";
import type { Clock } from "../util/clock";
import { collectionsFilter, collectionsOf } from "../api/collections";
import { InvalidArgumentError } from "../util/error";

export interface CollectionFinderOptions {
  /**
   * Machines per list call. 40 machine-id clauses plus the type clause keep the
   * encoded URL near 3 KB, like the watcher's 50 action ids. @default 40
   */
  chunkSize: number;
  /** How long the first machine of a call waits for others to join it. @default 1000 */
  gatherMs: number;
  /** List calls a machine's pre-check may take part in when they fail transiently. @default 2 */
  rounds: number;
}

export const DEFAULT_COLLECTION_FINDER_OPTIONS: CollectionFinderOptions = { chunkSize: 40, gatherMs: 1_000, rounds: 2 };

/** The same options for an API whose clock runs `timeScale` times faster than ours. */
export function scaledCollectionFinderOptions(timeScale: number, base = DEFAULT_COLLECTION_FINDER_OPTIONS): CollectionFinderOptions {
  return { ...base, gatherMs: base.gatherMs / timeScale };
}

interface Waiter {
  resolve: (a: MachineAction[]) => void;
  reject: (e: unknown) => void;
  /** List calls this waiter has been part of. */
  rounds: number;
}

/** Errors no second call would change. */
const REFUSALS = new Set([400, 401, 403, 404]);

export class CollectionFinder {
  /** Machines waiting for the next call, in arrival order. */
  private queue = new Map<string, Waiter[]>();
  private timer?: AbortController;
  /** List calls made, for benchmarks and tests. */
  listCalls = 0;

  constructor(
    private readonly api: Pick<CollectionApi, "listMachineActions">,
    private readonly clock: Clock,
    options: Partial<CollectionFinderOptions> = {},
  ) {
    this.options = { ...DEFAULT_COLLECTION_FINDER_OPTIONS, ...options };
    if (!(this.options.chunkSize >= 1)) throw new InvalidArgumentError(`chunkSize must be at least 1, got ${this.options.chunkSize}`);
  }

  private readonly options: CollectionFinderOptions;

  /** The collections (any status) MDE lists for `machineId`, newest first. */
  find(machineId: string): Promise<MachineAction[]> {
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
      actions = await this.api.listMachineActions({ filter: collectionsFilter(ids) });
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
      const mine = collectionsOf(actions, id);
      for (const w of waiters) w.resolve(mine);
    }
  }
}

/** The finder without batching: one list call per machine (the benchmark's baseline). */
export function unbatchedFinder(api: Pick<CollectionApi, "listMachineActions">): Pick<CollectionFinder, "find"> {
  return { find: async (machineId) => collectionsOf(await api.listMachineActions({ filter: collectionsFilter([machineId]) }), machineId) };
}
