/**
 * An in-memory LedgerStore with the blob contract (ETag compare-and-swap), for the ledger's
 * virtual-time tests: counts calls and conflicts, and can be made to fail.
 */
import type { LedgerStore } from "../../provider/api/ledger/store";

export class MemoryLedgerStore implements LedgerStore {
  readonly description = "memory://ledger";
  readonly docs = new Map<string, { text: string; etag: string }>();
  calls = { reads: 0, writes: 0, conflicts: 0 };
  /** Thrown by every call while set. */
  failure?: Error;
  /** Called before each write lands (lets a test slip another runner's write in). */
  beforeWrite?: (name: string) => Promise<void> | void;
  private seq = 0;

  async read(name: string) {
    this.calls.reads++;
    if (this.failure) throw this.failure;
    const doc = this.docs.get(name);
    return doc && { ...doc };
  }

  async write(name: string, text: string, etag: string | undefined) {
    this.calls.writes++;
    if (this.failure) throw this.failure;
    await this.beforeWrite?.(name);
    const current = this.docs.get(name);
    if ((current?.etag ?? undefined) !== etag) {
      this.calls.conflicts++;
      return "conflict" as const;
    }
    const next = { text, etag: `"e${++this.seq}"` };
    this.docs.set(name, next);
    return { etag: next.etag };
  }

  parsed(name: string) {
    const doc = this.docs.get(name);
    return doc && (JSON.parse(doc.text) as { holders: Record<string, { seen: number; demand: number }>; grants: [number, string][] });
  }
}
