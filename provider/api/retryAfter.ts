/**
 * `Retry-After` parsing. MDE documents seconds (common-errors.md); HTTP also allows an HTTP date,
 * and proxies in front of an API sometimes send one, so both are accepted.
 */

/** Used when a 429 carries no `Retry-After`: MDE's windows are per minute (MDEAutomator does the same). */
export const DEFAULT_RETRY_AFTER_MS = 60_000;

/** Upper bound on any server-requested wait, so a bogus header cannot stall a deployment for hours. */
export const MAX_RETRY_AFTER_MS = 10 * 60_000;

/**
 * Milliseconds to wait according to a `Retry-After` header value, or `undefined` when the header is
 * absent or unreadable. A date in the past means "now" (0). The result is not clamped; see
 * {@link retryAfterDelayMs}.
 */
export function parseRetryAfterMs(header: string | readonly string[] | undefined, nowMs: number): number | undefined {
  const raw = Array.isArray(header) ? header[0] : header;
  if (typeof raw !== "string") return undefined;
  const value = raw.trim();
  if (value === "") return undefined;
  if (/^\d+(\.\d+)?$/.test(value)) return Math.round(Number(value) * 1000);
  // An HTTP date (IMF-fixdate, RFC 9110 §5.6.7); Date.parse also reads the obsolete forms.
  if (!/[a-z]/i.test(value)) return undefined;
  const at = Date.parse(value);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - nowMs);
}

/** The wait actually used: the header's value (default when absent), clamped to `[0, maxMs]`. */
export function retryAfterDelayMs(
  retryAfterMs: number | undefined,
  defaultMs: number = DEFAULT_RETRY_AFTER_MS,
  maxMs: number = MAX_RETRY_AFTER_MS,
): number {
  const ms = retryAfterMs ?? defaultMs;
  return Math.min(Math.max(0, ms), maxMs);
}
