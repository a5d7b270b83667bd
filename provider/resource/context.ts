/**
 * What the provider's methods work with: the MDE API, the shared watcher, a clock, a progress
 * log and (when asked for) evidence handling. Built once per settings and kept process-wide, so
 * every resource in the provider process shares quotas, tokens and the watcher.
 */
import type { Clock } from "../util/clock";
import type { CollectionFinder } from "../adoption/finder";
import type { CollectionApi } from "../api/collectionApi";
import type { EvidenceHandler } from "../evidence/subject";
import type { ActionWatcher } from "./watcher";

export interface ProviderContext {
  api: CollectionApi;
  watcher: ActionWatcher;
  /** The pre-check (a device's collections, any status), batched across concurrent creates. */
  collections: Pick<CollectionFinder, "find">;
  /**
   * Action ids held by resources deleted in this process, e.g. the old collection of a
   * replacement: a create never adopts them (./replacement.ts).
   */
  releasedActions: Set<string>;
  clock: Clock;
  /**
   * How much faster than ours the API's clock runs (1 for MDE itself). An emulator can run its
   * clock faster; every duration the provider computes, the wait deadline included, follows it.
   */
  timeScale: number;
  /** One short line per event, shown by `pulumi up` as the provider's diagnostics. */
  log(line: string): void;
  evidence?: EvidenceHandler;
}
