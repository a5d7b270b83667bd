/**
 * What the ledger needs from storage: read a small document with its ETag, and write it back
 * only if nobody wrote since (compare-and-swap). The Azure blob store (blobStore.ts) is the real
 * one; tests use an in-memory one with the same contract.
 */
import { ForensicsError, type ForensicsErrorOptions } from "../../util/error";

export interface LedgerStore {
  /** Where the ledger lives, for messages: `azblob://account/container/name`. */
  readonly description: string;
  /** The document's text and ETag; `undefined` when it does not exist yet. */
  read(name: string): Promise<{ text: string; etag: string } | undefined>;
  /**
   * Writes `text` if the document's ETag is still `etag` (`undefined`: only if it does not exist
   * yet). The new ETag, or `"conflict"` when another runner wrote first.
   */
  write(name: string, text: string, etag: string | undefined): Promise<{ etag: string } | "conflict">;
}

/**
 * - `config`: the ledger cannot work as configured (malformed location, container missing,
 *   identity refused, runners disagreeing on the quota): always an error, fallback or not;
 * - `unavailable`: storage did not answer or failed; an error unless `mde:quotaLedgerFallback`
 *   is `local`;
 * - `contention`: compare-and-swap lost too many times in a row.
 */
export type QuotaLedgerErrorKind = "config" | "unavailable" | "contention";

export class QuotaLedgerError extends ForensicsError {
  override name = "QuotaLedgerError";
  constructor(
    readonly kind: QuotaLedgerErrorKind,
    message: string,
    options: ForensicsErrorOptions = {},
  ) {
    super(message, options);
  }
}
