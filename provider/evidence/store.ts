/**
 * Where evidence is kept, behind one interface: a local folder (folderStore.ts) or a blob
 * container (blob/store.ts), chosen once from the location's spelling and cached per location.
 *
 * Why one interface: every guarantee (one custody chain per location, a package under its final
 * name only when verified, a `verified` line only when the package and its manifest exist, a
 * signed head kept with its line) must hold wherever evidence lands. With the choice made in one
 * place, the handler has a single path, and a third kind of store is one more implementation.
 */
import { isBlobDestination } from "./blob/destination";
import { blobStores } from "./blob/store";
import type { ChainAppender } from "./custodyLog";
import { folderStore, type KeptHere } from "./folderStore";
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
}

/** The store of each location, chosen once from its spelling: `azblob://…` is a container, anything else a folder. */
export function evidenceStores(blobCredential: (() => import("@azure/identity").TokenCredential) | undefined): (location: string) => EvidenceStore {
  const blob = blobStores(blobCredential);
  const folders = new Map<string, EvidenceStore>();
  const keptHere: KeptHere = new Map();
  return (location) => {
    if (isBlobDestination(location)) return blob(location);
    let store = folders.get(location);
    if (!store) folders.set(location, (store = folderStore(location, keptHere)));
    return store;
  };
}
