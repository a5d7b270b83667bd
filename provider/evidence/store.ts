/**
 * Where evidence is kept, behind one interface: a local folder (folderStore.ts) or a blob
 * container (blob/store.ts), chosen once from the location's spelling and cached per location.
 *
 * Why one interface: every guarantee (one custody chain per location, a package under its final
 * name only when verified, a `verified` line only when the package and its manifest exist, a
 * signed head kept with its line) must hold wherever evidence lands. With the choice made in one
 * place, the handler has a single path, and a third kind of store is one more implementation.
 * The choice itself is stores.ts (`evidenceStores`).
 */
import type { ChainAppender } from "./chainAppender";
import type { KeepContext } from "./keep";
import type { EvidenceOutputs, EvidenceSubject } from "./subject";

/** Runs `job` once per key while it runs (the fetch queue), with the links it is issued redacted. */
export type QueuedRun = (key: string, job: (secrets: Set<string>) => Promise<EvidenceOutputs>) => Promise<{ value: EvidenceOutputs; joined: boolean }>;

export interface EvidenceStore {
  /** The location as recorded: an absolute folder path, or a canonical `azblob://` destination. */
  readonly location: string;
  /** The custody chain of this location. */
  readonly appender: ChainAppender;
  /** Proves, before anything is collected, that evidence can be kept here (it may create the folder). */
  preflight(): Promise<void>;
  /** Makes the location ready for a custody line without a pre-flight (creates a missing folder). */
  prepare(): Promise<void>;
  /** The package's name in this store (`<machineId>-<actionId>.zip`). */
  fileName(outs: EvidenceSubject): string;
  /**
   * Keeps the package of a Succeeded collection: reuse a kept one, else fetch (or copy), verify
   * and place it, inside the fetch queue. `joined`: this caller got another caller's result.
   */
  keep(outs: EvidenceSubject, k: Omit<KeepContext, "secrets">, queued: QueuedRun): Promise<{ value: EvidenceOutputs; joined: boolean }>;
  /** SHA-256 of the kept manifest's bytes, for the `claimed` line (the chain commits to the manifest's story). */
  manifestSha256(outs: EvidenceSubject): Promise<string>;
  /** The custody log's bytes, streamed (trusted time stamps the log through a line). */
  readLog(): Promise<AsyncIterable<Buffer>>;
  /** Keeps an RFC 3161 token beside the log, create-only (timestamp/stampHead.ts names it). */
  putToken(name: string, bytes: Buffer): Promise<void>;
}
