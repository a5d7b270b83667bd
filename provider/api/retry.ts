/**
 * Retries: one loop, plus small pure strategies that each return a verdict.
 *
 * Why this shape (Azure core-rest-pipeline's retryPolicy + retryStrategies): the loop owns the
 * attempt cap, the total-time budget, abort and the `onRetry` hook; each strategy only decides
 * "retry after N ms", "not my case" or "give up", so a new rule is one more function. The loop is
 * the outermost pipeline stage, so every attempt takes a fresh quota slot and a fresh token.
 */
import type { Clock } from "../util/clock";
import { isMdeError, MdeNetworkError, MdeThrottledError } from "./errors";
import type { MdeRequest, Policy } from "./pipeline";
import { EntraUnavailableError, MdeSignInError } from "./signInErrors";
import { DEFAULT_RETRY_AFTER_MS, MAX_RETRY_AFTER_MS, retryAfterDelayMs } from "./retryAfter";

export interface RetryOptions {
  /** Attempts that reached MDE, the first included (one that failed at sign-in is free). @default 5 */
  maxAttempts: number;
  /** No retry starts once this much time has passed since the first attempt (or would pass during its wait). @default 15 min */
  maxTotalMs: number;
  /** First exponential back-off delay. @default 1000 */
  baseDelayMs: number;
  /** Cap on one exponential back-off delay. @default 30 000 */
  maxDelayMs: number;
  /** Back-off delays vary by ±this fraction so parallel clients do not retry in lockstep. @default 0.5 */
  jitterRatio: number;
  /** Wait after a 429 without `Retry-After`. @default 60 000 */
  defaultRetryAfterMs: number;
  /** Cap on a server-requested wait. @default 600 000 */
  maxRetryAfterMs: number;
  /** Source of jitter in [0, 1); injectable for exact tests. @default Math.random */
  random: () => number;
}

export const DEFAULT_RETRY_OPTIONS: Readonly<RetryOptions> = {
  maxAttempts: 5,
  maxTotalMs: 15 * 60_000,
  baseDelayMs: 1_000,
  maxDelayMs: 30_000,
  jitterRatio: 0.5,
  defaultRetryAfterMs: DEFAULT_RETRY_AFTER_MS,
  maxRetryAfterMs: MAX_RETRY_AFTER_MS,
  random: Math.random,
};

/** `free`: the attempt did not reach MDE (sign-in failed), so it does not count against `maxAttempts`. */
export type RetryVerdict = { retryAfterMs: number; free?: boolean } | { skip: true } | { throw: unknown };

export interface RetryContext {
  request: MdeRequest;
  /** Attempts made so far (1 after the first failure). */
  attempt: number;
  /** Every error of this call so far, the current one last. */
  errors: readonly unknown[];
  options: RetryOptions;
}

export type RetryStrategy = (error: unknown, ctx: RetryContext) => RetryVerdict;

/** What `onRetry` hears before each wait. */
export interface RetryInfo {
  route: string;
  attempt: number;
  delayMs: number;
  error: unknown;
}

const SKIP: RetryVerdict = { skip: true };
const statusOf = (e: unknown) => (isMdeError(e) ? e.status : undefined);

/**
 * A 401 usually means the cached token went stale (revoked, or a clock skew). The auth stage has
 * already invalidated it, so retrying at once fetches a new one; a second 401 is final.
 */
export const refreshTokenOnceStrategy: RetryStrategy = (error, ctx) => {
  if (statusOf(error) !== 401) return SKIP;
  // Entra itself refused the sign-in: a new token would be refused the same way.
  if (error instanceof MdeSignInError || (error as Error).name === "MdeSignInError") return { throw: error };
  return ctx.errors.filter((e) => statusOf(e) === 401).length === 1 ? { retryAfterMs: 0 } : { throw: error };
};

/** 429: wait as long as MDE asks (60 s when it does not say), capped. */
export const throttlingStrategy: RetryStrategy = (error, ctx) => {
  if (!(error instanceof MdeThrottledError) && statusOf(error) !== 429) return SKIP;
  const asked = error instanceof MdeThrottledError ? error.retryAfterMs : undefined;
  return { retryAfterMs: retryAfterDelayMs(asked, ctx.options.defaultRetryAfterMs, ctx.options.maxRetryAfterMs) };
};

const isEntraOutage = (e: unknown) => e instanceof EntraUnavailableError || (isMdeError(e) && e.name === "EntraUnavailableError");

/**
 * Entra did not answer (5xx, 429, dropped connection): the MDE request was never sent, so it is
 * safe to repeat whatever it is, and the attempt is free. Back-off as for any transient failure;
 * only `maxTotalMs` bounds the wait, so a sign-in outage of a few minutes costs no collection.
 */
export const signInOutageStrategy: RetryStrategy = (error, ctx) => {
  if (!isEntraOutage(error)) return SKIP;
  const outages = ctx.errors.filter(isEntraOutage).length;
  return { retryAfterMs: backoffDelayMs(outages, ctx.options), free: true };
};

/** Exponential delay for the n-th retry (1-based), with ±jitter, capped. */
export function backoffDelayMs(retry: number, options: RetryOptions): number {
  const exp = Math.min(options.maxDelayMs, options.baseDelayMs * 2 ** (retry - 1));
  const factor = 1 - options.jitterRatio + 2 * options.jitterRatio * options.random();
  return Math.min(options.maxDelayMs, Math.round(exp * factor));
}

/**
 * Transient failures: 5xx other than 501/505 (which will not change), and network errors. Only
 * when re-sending is harmless: the request is idempotent, or the failure happened before it left
 * (connection refused). A non-idempotent call whose fate is unknown is handed back to the caller,
 * who knows how to check (the collect POST lists pending actions first).
 */
export const exponentialStrategy: RetryStrategy = (error, ctx) => {
  const status = statusOf(error);
  const transientStatus = status !== undefined && status >= 500 && status !== 501 && status !== 505;
  const network = error instanceof MdeNetworkError && error.transient;
  if (!transientStatus && !network) return SKIP;
  const safe = ctx.request.idempotent || (network && !(error as MdeNetworkError).ambiguous);
  if (!safe) return { throw: error };
  return { retryAfterMs: backoffDelayMs(ctx.attempt, ctx.options) };
};

/** Client errors that no amount of retrying fixes. */
export const doNotRetryStrategy: RetryStrategy = (error) =>
  [400, 401, 403, 404].includes(statusOf(error) ?? 0) ? { throw: error } : SKIP;

/** Order matters: the first strategy with an opinion wins. */
export const DEFAULT_RETRY_STRATEGIES: readonly RetryStrategy[] = [
  signInOutageStrategy,
  refreshTokenOnceStrategy,
  throttlingStrategy,
  exponentialStrategy,
  doNotRetryStrategy,
];

export interface RetryPolicyOptions {
  clock: Clock;
  options?: Partial<RetryOptions>;
  strategies?: readonly RetryStrategy[];
  onRetry?: (info: RetryInfo) => void;
}

/** The first verdict that is not "skip"; an error no strategy claims is thrown. */
export function decide(
  strategies: readonly RetryStrategy[],
  error: unknown,
  ctx: RetryContext,
): { retryAfterMs: number; free?: boolean } | { throw: unknown } {
  for (const strategy of strategies) {
    const verdict = strategy(error, ctx);
    if (!("skip" in verdict)) return verdict;
  }
  return { throw: error };
}

/** The retry stage: the outermost policy of the pipeline. */
export function retryPolicy(config: RetryPolicyOptions): Policy {
  const options: RetryOptions = { ...DEFAULT_RETRY_OPTIONS, ...config.options };
  const strategies = config.strategies ?? DEFAULT_RETRY_STRATEGIES;
  return {
    name: "retry",
    async send(request, next) {
      const startedAt = config.clock.now();
      const errors: unknown[] = [];
      let spent = 0;
      for (let attempt = 1; ; attempt++) {
        try {
          return await next(request);
        } catch (error) {
          if (request.signal?.aborted) throw request.signal.reason;
          errors.push(error);
          const ctx: RetryContext = { request, attempt, errors, options };
          const verdict = decide(strategies, error, ctx);
          if ("throw" in verdict) throw verdict.throw;
          if (!verdict.free) spent++;
          const elapsedMs = config.clock.now() - startedAt;
          if (spent >= options.maxAttempts || elapsedMs + verdict.retryAfterMs > options.maxTotalMs) throw error;
          config.onRetry?.({ route: request.route, attempt, delayMs: verdict.retryAfterMs, error });
          if (verdict.retryAfterMs > 0) await config.clock.sleep(verdict.retryAfterMs, request.signal);
        }
      }
    },
  };
}
