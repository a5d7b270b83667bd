/**
 * Builds the provider context from stack config (`mde:*`, handed over by `configure`) and the
 * environment, once per distinct setting and process: every resource the provider host serves
 * shares one client (quotas, tokens, keep-alive connections), one watcher and one batched
 * adoption pre-check.
 */
import { createCredential } from "../api/auth";
import { getSharedClient } from "../api/shared";
import { resolveSettings, settingsKey } from "../api/settings";
import { systemClock } from "../util/clock";
import { redact } from "../util/redact";
import { isSummarisedQuotaWait } from "../util/quotaWaitLines";
import { processSingleton } from "../util/registry";
import { createEvidenceHandler, DEFAULT_EVIDENCE_OPTIONS, signingKeyFromConfig } from "../evidence";
import { CollectionFinder, scaledCollectionFinderOptions } from "../adoption/finder";
import type { ProviderContext } from "./context";
import { ActionWatcher, scaledWatcherOptions } from "./watcher";

/** Reads a stack config key with its namespace, e.g. `mde:apiUrl`. */
export type ConfigReader = (key: string) => string | undefined;

/**
 * Progress goes to stderr: the engine shows a dynamic provider's output as diagnostics of the
 * update. Lines are short and redacted like everything else that leaves the provider.
 */
export function progressLog(line: string): void {
  process.stderr.write(`[mde] ${redact(line)}\n`);
}

export function contextFor(stackConfig: ConfigReader): ProviderContext {
  const settings = resolveSettings({ config: (key) => stackConfig(`mde:${key}`), env: process.env });
  return processSingleton("provider-context", settingsKey(settings), () => {
    const info = (line: string) => {
      if (!isSummarisedQuotaWait(line)) progressLog(line);
    };
    const api = getSharedClient(settings, { logger: { info, warn: progressLog } });
    const timeScale = settings.rateLimits.timeScale;
    const context: ProviderContext = {
      api,
      watcher: new ActionWatcher(api, systemClock, scaledWatcherOptions(timeScale)),
      collections: new CollectionFinder(api, systemClock, scaledCollectionFinderOptions(timeScale)),
      releasedActions: new Set(),
      clock: systemClock,
      timeScale,
      log: progressLog,
      evidence: createEvidenceHandler({
        api,
        apiOrigin: settings.apiUrl,
        tenantId: settings.tenantId ?? null,
        clock: systemClock,
        log: progressLog,
        linkLifetimeMs: DEFAULT_EVIDENCE_OPTIONS.linkLifetimeMs / timeScale,
        signingKey: signingKeyFromConfig(stackConfig),
        blobCredential: () => createCredential(settings),
      }),
    };
    return context;
  });
}
