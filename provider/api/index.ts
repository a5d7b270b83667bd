/**
 * The MDE API client's public surface. Typical use inside a provider method:
 *
 * ```ts
 * const { resolveSettings, getSharedClient } = require("./api");
 * const client = getSharedClient(resolveSettings({ config: (k) => cfg.get(`mde:${k}`), env: process.env }));
 * const { action, adopted } = await client.collectInvestigationPackage(machineId, comment);
 * ```
 */
export { MdeClient, type MdeClientOptions, type CallOptions } from "./client";
export { getSharedClient, closeSharedClients } from "./shared";
export { resolveSettings, settingsKey, type MdeSettings, type SettingsSources, type SettingsSecrets, type CredentialKind } from "./settings";
export { SETTING_KEYS, CREDENTIAL_KINDS } from "./settingsSchema";
export * from "./endpoints";
export * from "./errors";
export { EntraUnavailableError, MdeSignInError } from "./signInErrors";
export { ALREADY_RUNNING_CODE, PERMISSION_BY_FAMILY, parseRoles } from "./httpErrors";
export { type CollectResult, ADOPTION_AGE_MS, MAX_COLLECT_POSTS, isForeignAction } from "./collectRequest";
export { credentialOptionsFor, createCredential, CachingTokenSource, type TokenSource, type CredentialPlan, type IdentityOptions, DEFAULT_TOKEN_CACHE_OPTIONS } from "./auth";
export { type RateLimiter, type RateLimiterOptions, type WaitHook, SlidingWindowLimiter, getSharedLimiter } from "./limiter";
export { type ApiFamily, type FamilyQuota, type QuotaWindow, API_FAMILIES, MDE_QUOTAS, MINUTE_MS, HOUR_MS, windowsFor, waitTimeMs, nextGrantTimes } from "./quotas";
export { type RetryOptions, type RetryInfo, type RetryStrategy, type RetryVerdict, DEFAULT_RETRY_OPTIONS, DEFAULT_RETRY_STRATEGIES, backoffDelayMs } from "./retry";
export { DEFAULT_RETRY_AFTER_MS, MAX_RETRY_AFTER_MS, parseRetryAfterMs, retryAfterDelayMs } from "./retryAfter";
export { type ListOptions, MAX_PAGE_SIZE, DEFAULT_PAGE_SIZE } from "./paging";
export { parseMachineId, parseActionId, odataString, pathSegment } from "./ids";
export { CONNECT_TIMEOUT_MS, HEADERS_TIMEOUT_MS, BODY_TIMEOUT_MS, KEEP_ALIVE_TIMEOUT_MS, userAgent } from "./transport";
export * from "./schemas";
export { type Logger, silentLogger } from "../util/logger";
export { redact } from "../util/redact";
