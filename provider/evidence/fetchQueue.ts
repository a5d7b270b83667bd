/**
 * One process-wide line for package fetches, deduplicated by action.
 *
 * Why one at a time: GetPackageUri allows 2 calls a minute per tenant and app, and the link it
 * returns is only valid for a short time. If two collections asked for links at once, the client's
 * limiter would grant one and park the other; worse, both links would then age while both
 * downloads share the bandwidth. Running "ask for the link, download, verify" one package at a
 * time means each link is used right after it is issued. The limiter itself lives in the client
 * (provider/api/limiter.ts); this queue only orders the work.
 *
 * Why deduplicated: two resources on one device share MDE's one running collection, so they ask
 * for the same package. `shared(key, job)` gives every caller with the same key the one job's
 * result while it is queued or running: one link, one download, one verification, one writer.
 *
 * The queue is kept in the process's registry (../util/registry.ts): one per process, because
 * the quota and the bandwidth it orders are.
 */
import { processSingleton } from "../util/registry";

export interface FetchQueue {
  /** Runs `job` after every job queued before it has settled; resolves or rejects with it. */
  run<T>(job: () => Promise<T>): Promise<T>;
  /**
   * Like `run`, but while a job with the same `key` is queued or running, joins it instead of
   * queueing another. `joined` tells the caller whether it got another caller's result.
   */
  shared<T>(key: string, job: () => Promise<T>): Promise<{ value: T; joined: boolean }>;
  /** Jobs queued or running. */
  readonly size: number;
}

/** A FIFO that runs one job at a time. A failed job does not stop the ones behind it. */
export class SerialQueue implements FetchQueue {
  private tail: Promise<unknown> = Promise.resolve();
  private count = 0;
  private readonly inFlight = new Map<string, Promise<unknown>>();

  get size(): number {
    return this.count;
  }

  run<T>(job: () => Promise<T>): Promise<T> {
    this.count++;
    const result = this.tail.then(() => job());
    const settled = result.then(
      () => undefined,
      () => undefined,
    );
    this.tail = settled;
    void settled.then(() => {
      this.count--;
    });
    return result;
  }

  async shared<T>(key: string, job: () => Promise<T>): Promise<{ value: T; joined: boolean }> {
    const running = this.inFlight.get(key) as Promise<T> | undefined;
    if (running) return { value: await running, joined: true };
    const result = this.run(job);
    this.inFlight.set(key, result);
    // Forget the key once settled: a later fetch (another `up`) checks the disk again.
    const forget = () => {
      if (this.inFlight.get(key) === result) this.inFlight.delete(key);
    };
    result.then(forget, forget);
    return { value: await result, joined: false };
  }
}

/** The queue every evidence handler in this process uses unless given its own. */
export function sharedFetchQueue(): FetchQueue {
  return processSingleton<FetchQueue>("evidence", "packageFetchQueue/v2", () => new SerialQueue());
}
