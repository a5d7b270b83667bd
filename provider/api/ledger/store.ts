/**
 * What the ledger needs from storage: read a small document with its ETag, and write it back
 * only if nobody wrote since (compare-and-swap). The Azure blob store (blobStore.ts) is the real
 * one; tests use an in-memory one with the same contract.
 */
import type { Clock } from "../../util/clock";
import { ForensicsError, type ForensicsErrorOptions } from "../../util/error";
import type { Logger } from "../../util/logger";
import type { ApiFamily, FamilyQuota } from "../quotas";

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

/** How a runner takes part in the ledger (ledgerSlots.ts). */
export interface LedgerSlotOptions {
  store: LedgerStore;
  /** Blob name of a family's document: tenant, app and family in it. */
  documentName: (family: ApiFamily) => string;
  /** This runner's id in the ledger. */
  holder: string;
  clock: Clock;
  logger: Logger;
  quotas?: Partial<Record<ApiFamily, FamilyQuota>>;
  timeScale?: number;
  /** @default 2000 (real ms: latency and clock skew do not scale) */
  marginMs?: number;
  /** What an answered call keeps of the margin: how far apart the runners' clocks may be. @default 250, at most marginMs / 2 */
  skewMs?: number;
  /** @default 30 000 */
  leaseMs?: number;
  /** @default "error" */
  fallback?: "error" | "local";
  /** Jitter source in [0, 1). @default Math.random */
  random?: () => number;
}

export interface LedgerMetrics {
  reads: number;
  writes: number;
  /** Compare-and-swap writes another runner won. */
  conflicts: number;
  /** Slots reserved, used, and voided (reached too late, or the lease lapsed). */
  reserved: number;
  granted: number;
  voided: number;
  /** Future slots of lapsed runners this runner released. */
  released: number;
  /** Latest a slot was sent after its instant, and longest a reply took (ms): what `marginMs` must cover. */
  maxLateMs: number;
  maxReplyMs: number;
  /** Writes and conflicts by quota family: which document the runners contend on. */
  byFamily: Partial<Record<ApiFamily, { writes: number; conflicts: number; granted: number }>>;
}

