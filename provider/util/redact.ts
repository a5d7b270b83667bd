/**
 * Redaction for every message and log line that leaves the MDE client.
 *
 * Why this exists: error messages travel far (Pulumi diagnostics, CI logs, state files via
 * `ErrorResourceInitFailed`), and the things an HTTP client handles are credentials:
 * bearer tokens, client secrets, and package download links whose query string *is* the
 * credential (a short-lived SAS-like `?token=…`). Redaction happens once, here, so callers
 * cannot forget a case.
 */

/** What redacted text is replaced with; a fixed marker so tests and readers can spot it. */
export const REDACTED = "[REDACTED]";

/** `Bearer <token>` in headers or messages (RFC 6750 token68 alphabet). */
const BEARER = /\b(Bearer)\s+[A-Za-z0-9\-._~+/]+=*/gi;

/** Three base64url segments starting with `eyJ` (`{"`): what a JWT looks like. */
const JWT = /\beyJ[A-Za-z0-9_-]{2,}\.[A-Za-z0-9_-]{2,}\.[A-Za-z0-9_-]*/g;

/** Form or query parameters that carry a credential, wherever they appear. */
const SECRET_PARAMS =
  /\b(client_secret|client_assertion|access_token|refresh_token|id_token|password|sig|token)=([^&\s"'<>]+)/gi;

/** JSON members that carry a credential (`"client_secret": "…"`, `"access_token":"…"`). */
const SECRET_JSON = /("(?:client_secret|clientSecret|access_token|refresh_token|id_token|password)"\s*:\s*)"[^"]*"/gi;

/** Any absolute http(s) URL; its query and fragment are dropped, host and path are kept. */
const URL_WITH_QUERY = /\bhttps?:\/\/[^\s"'<>?#]+[?#][^\s"'<>]*/gi;

/** Secrets shorter than this are not redacted verbatim: a 2-character "secret" would shred every message. */
const MIN_VERBATIM_SECRET_LENGTH = 6;

/**
 * Returns `text` with credentials removed: bearer tokens, JWT-looking strings, secret-bearing
 * parameters, the query string of every URL, and any of `knownSecrets` verbatim (for values we
 * hold, such as the configured client secret, which a library might echo in its own words).
 */
export function redact(text: string, knownSecrets: readonly (string | undefined)[] = []): string {
  let out = String(text);
  for (const secret of knownSecrets) {
    if (secret && secret.length >= MIN_VERBATIM_SECRET_LENGTH) out = out.split(secret).join(REDACTED);
  }
  return out
    .replace(URL_WITH_QUERY, (url) => `${url.replace(/[?#].*$/, "")}?${REDACTED}`)
    .replace(BEARER, (_m, word: string) => `${word} ${REDACTED}`)
    .replace(JWT, REDACTED)
    .replace(SECRET_JSON, (_m, key: string) => `${key}"${REDACTED}"`)
    .replace(SECRET_PARAMS, (_m, key: string) => `${key}=${REDACTED}`);
}

/** A URL's origin and path without query or fragment, for messages about a request. */
export function pathOnly(url: string): string {
  return url.replace(/[?#].*$/, "");
}
