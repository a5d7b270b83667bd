/**
 * What a failed sign-in means, from what @azure/identity throws: an outage to wait out, or a
 * refusal to report at once with Entra's own error code.
 *
 * Why this module: identity wraps MSAL's error in an `AuthenticationRequiredError` whose message
 * can read `[object Object]` and whose status is gone; the facts are on the chain of causes
 * (MSAL's `ServerError` keeps `status`, `errorCode` and `errorNo`; a dropped connection is a
 * `ClientAuthError` with `errorCode: "network_error"`; while MSAL sits out a 429/5xx's Retry-After
 * it replays the failure as a `ServerError` whose code is Entra's numbers and which has no status).
 * Without them every sign-in failure looked
 * like a wrong secret: no retry rule applied, and the advice was wrong for an outage.
 */
import { MdeNetworkError, MdeUnauthorizedError } from "./errors";
import { proxyFor, redactProxyUrl } from "./proxy";
import { tlsTrustAdvice } from "./tlsTrust";

/** Entra answered 5xx or 429, or the connection to it failed: nothing reached MDE, and waiting helps. */
export class EntraUnavailableError extends MdeNetworkError {
  override name = "EntraUnavailableError";
  /** Entra's HTTP status, when it answered. */
  readonly entraStatus?: number;

  constructor(message: string, details: { entraStatus?: number; networkCode?: string; cause?: unknown; knownSecrets?: readonly (string | undefined)[] }) {
    super(message, { ...details, ambiguous: false, transient: true });
    this.entraStatus = details.entraStatus;
  }
}

/** Entra refused the credential, or it could not be used at all: retrying cannot help, and no token was sent anywhere. */
export class MdeSignInError extends MdeUnauthorizedError {
  override name = "MdeSignInError";
}

export interface SignInFailure {
  /** `outage`: retry with back-off; `refused`: the credential or its registration is wrong. */
  verdict: "outage" | "refused";
  status?: number;
  /** OAuth error (`invalid_client`, `temporarily_unavailable`, `network_error`…). */
  error?: string;
  /** Entra's code, e.g. `AADSTS7000215`. */
  aadsts?: string;
  /** Entra's own description, without its trace/correlation ids and timestamps. */
  description?: string;
}

/** OAuth / MSAL codes that mean "try again later" even without a status. */
const OUTAGE_ERRORS = new Set(["temporarily_unavailable", "server_error", "network_error", "request_timeout"]);
const NETWORK_CODES = /^(ECONNRESET|ECONNREFUSED|ETIMEDOUT|EPIPE|ENOTFOUND|EAI_AGAIN|ENETUNREACH|EHOSTUNREACH|UND_ERR_\w+)$/;

/** Walks the cause chain (identity → MSAL → HTTP) for the status, the codes and Entra's text. */
export function classifySignInFailure(error: unknown): SignInFailure {
  const found: SignInFailure = { verdict: "refused" };
  let network = false;
  let replayedThrottle = false;
  for (let e: any = error, depth = 0; e && typeof e === "object" && depth < 6; e = e.cause, depth++) {
    const status = typeof e.status === "number" ? e.status : typeof e.statusCode === "number" ? e.statusCode : undefined;
    found.status ??= status;
    if (typeof e.errorCode === "string" && !/^\d/.test(e.errorCode)) found.error ??= e.errorCode;
    else if (e.errorCode && typeof e.errorCode === "object" && typeof e.errorCode.code === "string") found.error ??= e.errorCode.code;
    if (typeof e.errorResponse?.error === "string") found.error ??= e.errorResponse.error;
    if (typeof e.code === "string" && NETWORK_CODES.test(e.code)) network = true;
    // MSAL's throttling cache (only filled by 429/5xx answers) replays them without a status.
    if (e.name === "ServerError" && status === undefined && typeof e.errorCode === "string" && /^\d+( \d+)*$/.test(e.errorCode)) replayedThrottle = true;
    const text = [e.errorMessage, e.errorResponse?.errorDescription, e.message].filter((t) => typeof t === "string").join(" ");
    const aadsts = /AADSTS\d+/.exec(text)?.[0] ?? (typeof e.errorNo === "number" || /^\d+$/.test(String(e.errorNo ?? "")) ? `AADSTS${e.errorNo}` : undefined);
    found.aadsts ??= aadsts;
    const description = /AADSTS\d+:\s*(.*?)(?:\s+Trace ID:|\s+Correlation ID:|\s+Timestamp:|$)/s.exec(text)?.[1];
    found.description ??= description?.trim();
  }
  const s = found.status;
  const outage = (s !== undefined && (s >= 500 || s === 429 || s === 408)) || network || replayedThrottle || (found.error !== undefined && OUTAGE_ERRORS.has(found.error));
  return { ...found, verdict: outage ? "outage" : "refused" };
}

/** Advice for the refusals people meet most, by Entra code. */
const ADVICE: Record<string, string> = {
  AADSTS7000215: "the client secret is wrong: use the secret's value, not its id (mde:clientSecret / AZURE_CLIENT_SECRET)",
  AADSTS7000222: "the client secret has expired: create a new one for the app registration",
  AADSTS700016: "no application with this clientId is registered in the tenant: check mde:clientId / AZURE_CLIENT_ID and mde:tenantId / AZURE_TENANT_ID",
  AADSTS90002: "the tenant does not exist: check mde:tenantId / AZURE_TENANT_ID and the cloud (authority host)",
  AADSTS700027: "the client assertion's signature does not match a certificate registered for the app: upload the certificate (public part) to the app registration",
  AADSTS700024: "the client assertion has expired: for a federated token, fetch a fresh one (GitHub's live 5 minutes)",
  AADSTS70021: "no federated identity credential of the app matches the token's issuer, subject and audience: compare the app's federated credentials with the token's iss/sub (e.g. repo:ORG/REPO:environment:NAME)",
  AADSTS700211: "the federated token's issuer is not registered for the app: add a federated credential for that issuer",
  AADSTS700212: "the federated token's audience is not the one the app trusts (api://AzureADTokenExchange by default)",
};

const GENERIC_ADVICE =
  "check tenantId, clientId and the secret, certificate or federated token (mde:* stack config or AZURE_* variables), and that the app is registered in that tenant";

export interface SignInContext {
  scope: string;
  /** Where sign-in goes (e.g. `https://login.microsoftonline.com`), to name it and its proxy. */
  authorityHost?: string;
  /** e.g. `clientSecret credential for client …`. */
  description: string;
  knownSecrets: readonly (string | undefined)[];
  /** The TLS trust failure behind it (tlsTrust.ts), e.g. `SELF_SIGNED_CERT_IN_CHAIN`. */
  tlsCode?: string;
}

/** The error to throw for a failed sign-in: an `EntraUnavailableError` to retry, or a refusal naming Entra's code. */
export function signInError(cause: unknown, ctx: SignInContext): EntraUnavailableError | MdeSignInError {
  const f = classifySignInFailure(cause);
  const prefix = `Could not get an access token for ${ctx.scope} with the ${ctx.description}`;
  if (ctx.tlsCode) {
    // Not the tenant, not the app: the connection was refused on its certificate, and waiting cannot help.
    const host = ctx.authorityHost ? new URL(ctx.authorityHost).host : "the authority host";
    return new MdeSignInError(`${prefix}: ${tlsTrustAdvice(host, ctx.tlsCode)}.`, { code: ctx.tlsCode, cause, knownSecrets: ctx.knownSecrets });
  }
  const proxy = ctx.authorityHost ? proxyFor(new URL(ctx.authorityHost)) : undefined;
  const viaProxy = proxy
    ? ` Sign-in goes through the proxy ${redactProxyUrl(proxy)} (HTTPS_PROXY): check that it lets ${new URL(ctx.authorityHost!).host} through and that its user and password are right, or list the host in NO_PROXY if it is reachable directly.`
    : "";
  const entraSays = [f.aadsts, f.error, f.description].filter(Boolean).join(" ");
  if (f.verdict === "outage") {
    const how = f.status !== undefined ? `answered HTTP ${f.status}` : "could not be reached";
    return new EntraUnavailableError(
      `${prefix}: Entra ID ${how}${entraSays ? ` (${entraSays})` : ""}. No request reached MDE; sign-in is retried with back-off, as an outage usually passes.${viaProxy}`,
      { entraStatus: f.status, cause, knownSecrets: ctx.knownSecrets },
    );
  }
  const details = { status: f.status, code: f.aadsts ?? f.error, cause, knownSecrets: ctx.knownSecrets };
  if (!entraSays) {
    // Nothing came from Entra: the credential could not even be used (a missing certificate file, no token file…).
    const reason = cause instanceof Error ? `${cause.name}: ${cause.message}` : String(cause);
    // MSAL's word for "the authority's OpenID configuration could not be read": wrong host, or a proxy in the way.
    const advice = /endpoints_resolution_error|openid_config_error/.test(reason) && ctx.authorityHost
      ? `the authority host ${ctx.authorityHost} did not serve the tenant's OpenID configuration: check mde:authorityHost / AZURE_AUTHORITY_HOST and mde:tenantId / AZURE_TENANT_ID`
      : GENERIC_ADVICE;
    return new MdeSignInError(`${prefix}: ${reason}. Fix: ${advice}.${viaProxy}`, details);
  }
  const advice = (f.aadsts && ADVICE[f.aadsts]) ?? GENERIC_ADVICE;
  return new MdeSignInError(`${prefix}: Entra ID refused the sign-in (${entraSays}). Fix: ${advice}.${f.status === 407 ? viaProxy : ""}`, details);
}
