/**
 * One process-wide line for package fetches.
 *
 * Why: GetPackageUri allows 2 calls a minute per tenant and app, and the link it returns is only
 * valid for a short time. If two collections asked for links at once, the client's limiter would
 * grant one and park the other; worse, both links would then age while both downloads share the
 * bandwidth. Running "ask for the link, download, verify" one package at a time means each link
 * is used right after it is issued and two resources never race for the same quota slot. The
 * limiter itself lives in the client (provider/api/limiter.ts); this queue only orders the work.
 *
 * The queue is stored through `processSingleton`, so every copy of this module loaded by the
 * Pulumi provider host (one per serialized provider closure) shares it.
 */
import { processSingleton } from "../util/registry";

export interface FetchQueue {
  /** Runs `job` after every job queued before it has settled; resolves or rejects with it. */
  run<T>(job: () => Promise<T>): Promise<T>;
  /** Jobs queued or running. */
  readonly size: number;
}

/** A FIFO that runs one job at a time. A failed job does not stop the ones behind it. */
export class SerialQueue implements FetchQueue {
  private tail: Promise<unknown> = Promise.resolve();
  private count = 0;

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
}

/** The queue every evidence handler in this process uses unless given its own. */
export function sharedFetchQueue(): FetchQueue {
  return processSingleton<FetchQueue>("evidence", "packageFetchQueue/v1", () => new SerialQueue());
}
