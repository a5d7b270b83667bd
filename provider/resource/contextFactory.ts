/**
 * Builds the provider context from stack config (`mde:*`, handed over by `configure`) and the
 * environment, once per distinct setting and process: every resource the provider host serves
 * shares one client (quotas, tokens, keep-alive connections), one watcher and one batched
 * adoption pre-check. The context is kept in the process's registry (../util/registry.ts) and
 * never changed once built: what differs between builders (where lines go, which pre-check) is
 * passed in when it is built.
 */
import { createCredential } from "../api/auth";
import { quotaWaitLine } from "../api/clientPipeline";
import { getSharedClient } from "../api/shared";
import { resolveSettings, settingsKey } from "../api/settings";
import type { CollectionApi } from "../api/collectionApi";
import { systemClock } from "../util/clock";
import { redact } from "../util/redact";
import { quotaWaitsSummarised } from "../util/quotaWaitLines";
import { evidenceProgressQuiet } from "../util/evidenceProgressLines";
import { processSingleton } from "../util/registry";
import { createEvidenceHandler, DEFAULT_EVIDENCE_OPTIONS, signingKeyFromConfig, timestampFromConfig } from "../evidence";
import { CollectionFinder, scaledCollectionFinderOptions } from "../adoption/finder";
import type { ProviderContext } from "./context";
import type { ConfigReader } from "./stackConfig";
import { ActionWatcher, scaledWatcherOptions } from "./watcher";

export interface ContextOptions {
  /**
   * Receives every progress line of the context (its own, the client's, the evidence
   * handler's), already redacted. @default {@link stderrProgressLog}, the provider host's
   */
  log?: (line: string) => void;
  /** The adoption pre-check. @default one CollectionFinder, batching the list calls of concurrent creates */
  collections?: (api: CollectionApi) => ProviderContext["collections"];
}

/**
 * The provider host's sink: stderr, because the engine shows a dynamic provider's output as
 * diagnostics of the update (the provider process has no engine connection for `pulumi.log`,
 * which would fall back to the console anyway). One short line each, prefixed `[mde] `.
 */
export function stderrProgressLog(line: string): void {
  process.stderr.write(`[mde] ${line}\n`);
}

/**
 * The context for the settings `stackConfig` selects. `options` apply when it is first built for
 * these settings (later callers get the same instance): the providers pass none; the bench
 * builds it first, with its own sink.
 */
export function getSharedContext(stackConfig: ConfigReader, options: ContextOptions = {}): ProviderContext {
  const settings = resolveSettings({ config: (key) => stackConfig(`mde:${key}`), env: process.env });
  return processSingleton("provider-context", settingsKey(settings), () => {
    const sink = options.log ?? stderrProgressLog;
    // Lines are redacted like everything else that leaves the provider, whoever receives them.
    const log = (line: string) => sink(redact(line));
    const api = getSharedClient(settings, {
      logger: { info: log, warn: log },
      // A running sweep reports the collect quota in its summary line instead of a line per wait.
      onQuotaWait: (event) => {
        if (!quotaWaitsSummarised()) log(quotaWaitLine(event));
      },
    });
    const timeScale = settings.rateLimits.timeScale;
    const context: ProviderContext = {
      api,
      watcher: new ActionWatcher(api, systemClock, scaledWatcherOptions(timeScale)),
      collections: options.collections?.(api) ?? new CollectionFinder(api, systemClock, scaledCollectionFinderOptions(timeScale)),
      releasedActions: new Set(),
      clock: systemClock,
      timeScale,
      log,
      evidence: createEvidenceHandler({
        api,
        apiOrigin: settings.apiUrl,
        tenantId: settings.tenantId ?? null,
        clock: systemClock,
        // A sweep's machines leave these out: the sweep's summary line stands for them.
        log: (line) => {
          if (!evidenceProgressQuiet()) log(line);
        },
        linkLifetimeMs: DEFAULT_EVIDENCE_OPTIONS.linkLifetimeMs / timeScale,
        signingKey: signingKeyFromConfig(stackConfig),
        timestamp: timestampFromConfig(stackConfig),
        blobCredential: () => createCredential(settings),
      }),
    };
    return context;
  });
}
