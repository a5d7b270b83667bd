/**
 * A sweep's view of the provider context: the process-wide one (client, limiter, adoption
 * pre-check, evidence queue), with three differences that only make sense for many machines:
 *
 * - per-machine progress lines are dropped (the sweep prints a summary line instead);
 * - a watcher of its own that polls young actions every second (within the same 50 of the 100
 *   reads a minute): a sweep's duration is set by its last collections, and with the single
 *   collection's 5 s the tail alone would add up to 8% to a 100-machine sweep; the watcher is
 *   the same class, its calls go through the same limiter;
 * - the collect quota's next free slot, for the summary line.
 */
import { resolveSettings, settingsKey } from "../api/settings";
import { getSharedLimiter } from "../api/limiter";
import type { ProviderContext } from "../resource/context";
import { type ConfigReader, contextFor, progressLog } from "../resource/contextFactory";
import { ActionWatcher, DEFAULT_WATCHER_OPTIONS, scaledWatcherOptions, type WatcherOptions } from "../resource/watcher";
import { systemClock } from "../util/clock";
import { processSingleton } from "../util/registry";

export const SWEEP_WATCHER_OPTIONS: WatcherOptions = {
  ...DEFAULT_WATCHER_OPTIONS,
  intervalsByAgeMs: [
    [2 * 60_000, 1_000],
    [10 * 60_000, 5_000],
    [60 * 60_000, 30_000],
  ],
};

export interface SweepContext {
  /** For each machine's lifecycle: quiet, with the sweep's watcher. */
  machine: ProviderContext;
  /** The process-wide context, for the sweep's own calls and lines. */
  shared: ProviderContext;
  nextCollectSlotMs: () => number | undefined;
}

export function sweepContextFor(stackConfig: ConfigReader): SweepContext {
  const shared = contextFor(stackConfig);
  const settings = resolveSettings({ config: (key) => stackConfig(`mde:${key}`), env: process.env });
  const key = settingsKey(settings);
  const watcher = processSingleton("sweep-watcher", key, () => new ActionWatcher(shared.api, shared.clock, scaledWatcherOptions(shared.timeScale, SWEEP_WATCHER_OPTIONS)));
  // The same instance every client of these settings uses (the first caller's options won).
  const limiter = getSharedLimiter(key, { clock: systemClock, quotas: settings.rateLimits.quotas, timeScale: settings.rateLimits.timeScale });
  return {
    shared: { ...shared, log: progressLog },
    machine: { ...shared, watcher, log: () => undefined },
    nextCollectSlotMs: () => ("nextSlotInMs" in limiter ? (limiter as { nextSlotInMs(f: "collect"): number }).nextSlotInMs("collect") : undefined),
  };
}
