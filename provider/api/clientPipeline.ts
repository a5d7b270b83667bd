/**
 * Builds a client's pipeline from settings and options: the one place that decides defaults
 * (system clock, the process-wide limiter for these settings, the credential the settings call
 * for, a silent redacting logger) and wires the hooks to the logger.
 */
import type { TokenCredential } from "@azure/identity";
import type { Dispatcher } from "undici";
import { type Clock, systemClock } from "../util/clock";
import { type Logger, redactingLogger, silentLogger } from "../util/logger";
import { authPolicy, CachingTokenSource, createCredential } from "./auth";
import { getSharedLimiter, type RateLimiter, throttlePolicy, type WaitHook } from "./limiter";
import { composePipeline, type Send } from "./pipeline";
import type { ApiFamily } from "./quotas";
import { DEFAULT_RETRY_OPTIONS, type RetryInfo, retryPolicy, type RetryOptions } from "./retry";
import { type MdeSettings, settingsKey } from "./settings";
import { proxyCredentials } from "./proxy";
import { ledgerSlotsFor } from "./ledger/fromSettings";
import { Transport, type TransportOptions } from "./transport";

export interface MdeClientOptions {
  /** Used instead of the credential the settings describe (tests, or a caller's own identity). */
  credential?: TokenCredential;
  /** @default systemClock */
  clock?: Clock;
  /** undici dispatcher to use instead of the client's own keep-alive Agent. */
  dispatcher?: Dispatcher;
  /** @default silent. Lines are redacted before they reach it. */
  logger?: Logger;
  retry?: Partial<RetryOptions>;
  /** @default the process-wide limiter for these settings (see `getSharedLimiter`) */
  limiter?: RateLimiter;
  /** Page size for list calls, at most 10 000. @default 10 000 */
  pageSize?: number;
  timeouts?: Pick<TransportOptions, "connectTimeoutMs" | "headersTimeoutMs" | "bodyTimeoutMs" | "keepAliveTimeoutMs">;
  /** Told before each retry wait (also logged as a warning). */
  onRetry?: (info: RetryInfo) => void;
  /** Told when a call must wait for a quota slot (also reported, see `onQuotaWait`). */
  onWait?: WaitHook;
  /**
   * Reports a call waiting for a quota slot, as an event: a caller that shows waits its own way
   * (a sweep's summary line) decides on the event, never on the wording of a line.
   * @default writes {@link quotaWaitLine} to the logger's info
   */
  onQuotaWait?: (event: QuotaWaitEvent) => void;
}

/** A call held back until its API family's quota has a free slot. */
export interface QuotaWaitEvent {
  family: ApiFamily;
  waitMs: number;
}

/** The progress line for a quota wait. */
export function quotaWaitLine(event: QuotaWaitEvent): string {
  return `MDE ${event.family} quota: waiting ${(event.waitMs / 1000).toFixed(1)} s for a free slot.`;
}

export interface ClientPipeline {
  send: Send;
  /** Where the quota slots come from: its preflight and close are the client's. */
  limiter: RateLimiter;
  transport: Transport;
  clock: Clock;
  logger: Logger;
  retryOptions: RetryOptions;
}

/** retry → throttle → auth → transport, with every default resolved. */
export function buildClientPipeline(settings: MdeSettings, options: MdeClientOptions): ClientPipeline {
  const clock = options.clock ?? systemClock;
  const knownSecrets = [settings.secrets.clientSecret, settings.secrets.clientCertificatePassword, ...proxyCredentials()];
  const logger = redactingLogger(options.logger ?? silentLogger, knownSecrets);
  const retryOptions: RetryOptions = { ...DEFAULT_RETRY_OPTIONS, ...options.retry };
  const credential = options.credential ?? createCredential(settings);
  const tokens = new CachingTokenSource(credential, settings.tokenScope, clock, {
    description: `${options.credential ? "injected" : settings.credential} credential${settings.clientId ? ` for client ${settings.clientId}` : ""}`,
    knownSecrets,
    authorityHost: settings.authorityHost,
  });
  const limiter =
    options.limiter ??
    getSharedLimiter(settingsKey(settings), {
      clock,
      quotas: settings.rateLimits.quotas,
      timeScale: settings.rateLimits.timeScale,
      // Chosen once: the shared ledger when mde:quotaLedger is set, else this process's windows.
      slots: ledgerSlotsFor(settings, credential, clock, logger),
    });
  const transport = new Transport({ clock, dispatcher: options.dispatcher, knownSecrets, ...options.timeouts });
  const onRetry = (info: RetryInfo) => {
    const why = info.error instanceof Error ? info.error.message : String(info.error);
    logger.warn(`MDE ${info.route}: attempt ${info.attempt} failed (${why}); retrying in ${(info.delayMs / 1000).toFixed(1)} s.`);
    options.onRetry?.(info);
  };
  const reportWait = options.onQuotaWait ?? ((event: QuotaWaitEvent) => logger.info(quotaWaitLine(event)));
  const onWait: WaitHook = (family, waitMs) => {
    reportWait({ family, waitMs });
    options.onWait?.(family, waitMs);
  };
  const send = composePipeline(
    [retryPolicy({ clock, options: retryOptions, onRetry }), throttlePolicy(limiter, onWait), authPolicy(tokens)],
    transport.send,
  );
  return { send, limiter, transport, clock, logger, retryOptions };
}
