/**
 * A sweep's view of the provider context: the process-wide one (client, limiter, adoption
 * pre-check, evidence queue), with three differences that only make sense for many machines:
 *
 * - per-machine progress lines are dropped (the sweep prints a summary line instead): the
 *   context's own, and the evidence handler's per package, which it writes through the shared
 *   context's sink (left out in the scope of ../util/evidenceProgressLines.ts);
 * - a watcher of its own, paced for the sweep's length (cadence.ts): the same class as the
 *   single collection's, its calls through the same limiter;
 * - the collect quota's next free slot, for the summary line.
 */
import { resolveSettings, settingsKey } from "../api/settings";
import { getSharedLimiter } from "../api/limiter";
import type { EvidenceHandler } from "../evidence/subject";
import type { ProviderContext } from "../resource/context";
import { getSharedContext } from "../resource/contextFactory";
import type { ConfigReader } from "../resource/stackConfig";
import { ActionWatcher, scaledWatcherOptions } from "../resource/watcher";
import { systemClock } from "../util/clock";
import { quietEvidenceProgress } from "../util/evidenceProgressLines";
import { processSingleton } from "../util/registry";
import { sweepWatcherOptions } from "./cadence";

export interface SweepContext {
  /** For each machine's lifecycle: quiet, with the sweep's watcher. */
  machine: ProviderContext;
  /** The process-wide context, for the sweep's own calls and lines. */
  shared: ProviderContext;
  nextCollectSlotMs: () => number | undefined;
}

/** `machines`: how many the sweep collects from, which sets how often it polls. */
export function getSweepContext(stackConfig: ConfigReader, machines: number): SweepContext {
  const shared = getSharedContext(stackConfig);
  const settings = resolveSettings({ config: (key) => stackConfig(`mde:${key}`), env: process.env });
  const key = settingsKey(settings);
  const cadence = sweepWatcherOptions(machines, settings.rateLimits.quotas);
  // One watcher per cadence: sweeps of one process with the same pace share their polls.
  const watcher = processSingleton("sweep-watcher", `${key}/${JSON.stringify(cadence)}`, () => new ActionWatcher(shared.api, shared.clock, scaledWatcherOptions(shared.timeScale, cadence)));
  // The same instance every client of these settings uses (the first caller's options won).
  const limiter = getSharedLimiter(key, { clock: systemClock, quotas: settings.rateLimits.quotas, timeScale: settings.rateLimits.timeScale });
  return {
    shared,
    machine: { ...shared, watcher, log: () => undefined, evidence: shared.evidence && quietEvidence(shared.evidence) },
    nextCollectSlotMs: () => ("nextSlotInMs" in limiter ? (limiter as { nextSlotInMs(f: "collect"): number }).nextSlotInMs("collect") : undefined),
  };
}

/** The same handler (its queue, custody logs, kept packages), its lines left out for every call. */
function quietEvidence(evidence: EvidenceHandler): EvidenceHandler {
  return {
    preflight: (directory) => quietEvidenceProgress(() => evidence.preflight(directory)),
    fetch: (subject, options) => quietEvidenceProgress(() => evidence.fetch(subject, options)),
    record: (directory, event, subject, extra) => quietEvidenceProgress(() => evidence.record(directory, event, subject, extra)),
  };
}
