/**
 * Authentication: which `@azure/identity` credential the settings call for, a token cache in front
 * of it, and the pipeline's "auth" stage that signs each attempt.
 *
 * Why our own cache: identity caches per credential instance, but MSAL renews only 5 minutes before
 * expiry and a 401 from MDE (revoked or stale token) must force one refresh. The cache follows Azure
 * core's `tokenCycler`: refresh 2 minutes before expiry, one shared in-flight refresh, keep serving
 * a still-valid token if a refresh fails, and `invalidate()` for the 401 path. A failed sign-in
 * becomes an outage to retry or a refusal naming Entra's code (signInErrors.ts).
 */
import type { AccessToken, TokenCredential } from "@azure/identity";
import type { Clock } from "../util/clock";
import { isMdeErrorOfKind, MdeUnauthorizedError, MdeValidationError } from "./errors";
import { isLoopbackHost, PUBLIC_LOGIN_HOST } from "./endpoints";
import type { Policy } from "./pipeline";
import type { MdeSettings } from "./settings";
import { signInError } from "./signInErrors";
import { signInTlsCode } from "./tlsTrust";

/** Options common to the identity credentials we build. */
export interface IdentityOptions {
  authorityHost?: string;
  disableInstanceDiscovery?: boolean;
}

/** A pure description of the credential to build: what the tests and the docs can check. */
export interface CredentialPlan {
  kind: MdeSettings["credential"];
  tenantId?: string;
  clientId?: string;
  options: IdentityOptions;
}

/**
 * The constructor options for the settings' credential. A non-public authority (US Gov) is passed
 * on; an *explicit* authority override also turns instance discovery off, because MSAL would
 * otherwise ask login.microsoftonline.com to vouch for the custom host and fail
 * (pulumi-dynamic-providers.md B5).
 */
export function credentialOptionsFor(settings: MdeSettings): CredentialPlan {
  const options: IdentityOptions = {};
  if (settings.authorityHostOverridden || settings.authorityHost !== PUBLIC_LOGIN_HOST) options.authorityHost = settings.authorityHost;
  if (settings.authorityHostOverridden) options.disableInstanceDiscovery = true;
  return { kind: settings.credential, tenantId: settings.tenantId, clientId: settings.clientId, options };
}

/** Builds the credential. `@azure/identity` is loaded lazily: it is heavy and unused when a credential is injected. */
export function createCredential(settings: MdeSettings): TokenCredential {
  const identity = require("@azure/identity") as typeof import("@azure/identity");
  const { kind, tenantId = "", clientId = "", options } = credentialOptionsFor(settings);
  switch (kind) {
    case "clientSecret":
      return new identity.ClientSecretCredential(tenantId, clientId, settings.secrets.clientSecret ?? "", options);
    case "clientCertificate":
      return new identity.ClientCertificateCredential(
        tenantId,
        clientId,
        { certificatePath: settings.clientCertificatePath ?? "", certificatePassword: settings.secrets.clientCertificatePassword },
        options,
      );
    case "workloadIdentity":
      // What GitHub Actions OIDC and AKS workload identity provide: a federated token in a file.
      return new identity.WorkloadIdentityCredential({ ...options, tenantId, clientId, tokenFilePath: settings.federatedTokenFile });
    case "managedIdentity":
      return settings.clientId ? new identity.ManagedIdentityCredential({ clientId: settings.clientId }) : new identity.ManagedIdentityCredential();
    case "azureCli":
      return new identity.AzureCliCredential(settings.tenantId ? { tenantId: settings.tenantId } : {});
    case "default":
      return new identity.DefaultAzureCredential({
        ...options,
        ...(settings.tenantId ? { tenantId: settings.tenantId } : {}),
        ...(settings.clientId ? { managedIdentityClientId: settings.clientId } : {}),
      });
  }
}

/** Where bearer tokens come from, as the auth stage sees it. */
export interface TokenSource {
  /** A token valid for at least the refresh window (or the last valid one if a refresh failed). */
  getToken(signal?: AbortSignal): Promise<string>;
  /** Forgets `token` (or whatever is cached) so the next `getToken` fetches a new one. */
  invalidate(token?: string): void;
}

export interface TokenCacheOptions {
  /** Refresh this long before expiry. @default 120 000 (2 min, as Azure core's tokenCycler) */
  refreshWindowMs: number;
  /** Describes the credential in error messages, e.g. `clientSecret credential for client …`. */
  description: string;
  /** Values to redact verbatim from errors (the configured secret). */
  knownSecrets: readonly (string | undefined)[];
  /** Where sign-in goes, named in errors with the proxy it goes through. */
  authorityHost?: string;
}

export const DEFAULT_TOKEN_CACHE_OPTIONS: Readonly<TokenCacheOptions> = {
  refreshWindowMs: 120_000,
  description: "credential",
  knownSecrets: [],
};

/** Caches one scope's token from a `TokenCredential`; see the module comment for the rules. */
export class CachingTokenSource implements TokenSource {
  private cached?: AccessToken;
  private inflight?: Promise<AccessToken>;
  private readonly options: TokenCacheOptions;

  constructor(
    private readonly credential: TokenCredential,
    private readonly scope: string,
    private readonly clock: Clock,
    options: Partial<TokenCacheOptions> = {},
  ) {
    this.options = { ...DEFAULT_TOKEN_CACHE_OPTIONS, ...options };
  }

  async getToken(signal?: AbortSignal): Promise<string> {
    const now = this.clock.now();
    const c = this.cached;
    const fresh = c && now < c.expiresOnTimestamp - this.options.refreshWindowMs && !(c.refreshAfterTimestamp && now >= c.refreshAfterTimestamp);
    if (c && fresh) return c.token;
    this.inflight ??= this.fetch().finally(() => {
      this.inflight = undefined;
    });
    try {
      return (await abortable(this.inflight, signal)).token;
    } catch (error) {
      if (signal?.aborted) throw signal.reason;
      if (c && this.clock.now() < c.expiresOnTimestamp && this.cached === c) return c.token;
      throw error;
    }
  }

  invalidate(token?: string): void {
    if (token === undefined || this.cached?.token === token) this.cached = undefined;
  }

  private async fetch(): Promise<AccessToken> {
    let token: AccessToken | null;
    try {
      token = await this.credential.getToken(this.scope);
    } catch (cause) {
      const { description, knownSecrets, authorityHost } = this.options;
      throw signInError(cause, { scope: this.scope, description, knownSecrets, authorityHost, tlsCode: await signInTlsCode(cause, authorityHost) });
    }
    if (!token) throw new MdeUnauthorizedError(`The ${this.options.description} returned no token for ${this.scope}.`);
    this.cached = token;
    return token;
  }
}

/** Lets one caller stop waiting for a shared promise without cancelling it for the others. */
function abortable<T>(promise: Promise<T>, signal?: AbortSignal): Promise<T> {
  if (!signal) return promise;
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener("abort", onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener("abort", onAbort));
  });
}

/**
 * The "auth" stage: signs each attempt with a current token and, on a 401, invalidates that token
 * so the retry stage's single re-attempt gets a new one. Refuses to send a token over plain http
 * to anything but the local machine.
 */
export function authPolicy(tokens: TokenSource): Policy {
  return {
    name: "auth",
    async send(request, next) {
      const url = new URL(request.url);
      if (url.protocol !== "https:" && !isLoopbackHost(url.hostname)) {
        throw new MdeValidationError(`Refusing to send an access token over ${url.protocol} to ${url.host}; use https.`);
      }
      const token = await tokens.getToken(request.signal);
      try {
        return await next({ ...request, headers: { ...request.headers, Authorization: `Bearer ${token}` } });
      } catch (error) {
        if (isMdeErrorOfKind(error, "unauthorized")) tokens.invalidate(token);
        throw error;
      }
    },
  };
}
