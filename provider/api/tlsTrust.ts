/**
 * TLS trust failures, named: which certificate problem Node reported, and the fix.
 *
 * Why this module: a certificate this process does not trust is the first thing a user meets
 * when they point a stack at the MDE emulator without its CA, or sit behind a TLS-inspecting
 * corporate proxy. MSAL reports it as `endpoints_resolution_error` and drops the TLS code, so the
 * sign-in error blamed the authority host and the tenant id, and the troubleshooting rows keyed
 * on SELF_SIGNED_CERT_IN_CHAIN never matched. When a sign-in fails that way, one probe of the
 * authority host (through the same proxy settings) recovers the code.
 */
import { request } from "undici";
import { proxyAwareDispatcher } from "./proxy";

const TLS_TRUST_CODES = /^(SELF_SIGNED_CERT_IN_CHAIN|DEPTH_ZERO_SELF_SIGNED_CERT|UNABLE_TO_VERIFY_LEAF_SIGNATURE|UNABLE_TO_GET_ISSUER_CERT(_LOCALLY)?|CERT_HAS_EXPIRED|CERT_NOT_YET_VALID|CERT_UNTRUSTED|ERR_TLS_CERT_ALTNAME_INVALID)$/;

const ISSUER_UNKNOWN = "its certificate was issued by a CA this process does not know (the MDE emulator's own CA, or a TLS-inspecting corporate proxy's)";

/** What each code means, in the words a user can act on. */
const MEANING: Record<string, string> = {
  SELF_SIGNED_CERT_IN_CHAIN: "its certificate chain ends in a CA this process does not trust (the MDE emulator's own CA, or a TLS-inspecting proxy's)",
  DEPTH_ZERO_SELF_SIGNED_CERT: "it presents a self-signed certificate",
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: ISSUER_UNKNOWN,
  UNABLE_TO_GET_ISSUER_CERT: ISSUER_UNKNOWN,
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: ISSUER_UNKNOWN,
  CERT_HAS_EXPIRED: "its certificate has expired",
  CERT_NOT_YET_VALID: "its certificate is not valid yet (check this machine's clock)",
  CERT_UNTRUSTED: "its certificate is not trusted",
  ERR_TLS_CERT_ALTNAME_INVALID: "its certificate is for another host name",
};

/** The TLS trust code on `err` or its causes (Node puts it on `code`), or undefined. */
export function tlsTrustCode(err: unknown): string | undefined {
  for (let e = err as { code?: unknown; cause?: unknown } | undefined, i = 0; e && typeof e === "object" && i < 6; e = e.cause as typeof e, i++) {
    if (typeof e.code === "string" && TLS_TRUST_CODES.test(e.code)) return e.code;
  }
  return undefined;
}

/** The problem and its fix, for a connection to `host` that failed with `code`. */
export function tlsTrustAdvice(host: string, code: string): string {
  const meaning = MEANING[code] ?? "its certificate is not trusted";
  const trust = /EXPIRED|NOT_YET|ALTNAME/.test(code)
    ? "check the URL and this machine's clock; a TLS-inspecting proxy that re-signs with a bad certificate must be fixed on the proxy"
    : "trust the CA that signed it, in addition to the default ones. For the MDE emulator: eval \"$(mde-emulator env --data-dir <its data dir>)\" exports NODE_EXTRA_CA_CERTS as your bundle with the emulator's CA appended. Behind a TLS-inspecting proxy: append the proxy's CA (PEM) to a copy of your bundle and point NODE_EXTRA_CA_CERTS at it. Node reads NODE_EXTRA_CA_CERTS only when a process starts: export it before `pulumi up`";
  return `the TLS certificate of ${host} is not trusted (${code}): ${meaning}. Nothing was sent to it. Fix: ${trust}`;
}

/**
 * Connects to `url` once, as the SDKs would (HTTPS_PROXY / NO_PROXY honoured), and returns the
 * TLS trust code if the handshake fails on the certificate. Any other outcome: undefined.
 */
export async function probeTlsTrust(url: string, timeoutMs = 5_000): Promise<string | undefined> {
  const dispatcher = proxyAwareDispatcher({ connect: { timeout: timeoutMs }, headersTimeout: timeoutMs, bodyTimeout: timeoutMs });
  try {
    const res = await request(new URL(url).origin, { method: "HEAD", dispatcher, signal: AbortSignal.timeout(timeoutMs) });
    await res.body.dump();
    return undefined;
  } catch (err) {
    return tlsTrustCode(err);
  } finally {
    await dispatcher.close().catch(() => undefined);
  }
}

/**
 * The TLS trust code behind a failed sign-in to `authorityHost`. MSAL reports an untrusted
 * certificate as "endpoints cannot be resolved" and drops the code, so then one probe asks.
 */
export async function signInTlsCode(cause: unknown, authorityHost: string | undefined): Promise<string | undefined> {
  const direct = tlsTrustCode(cause);
  if (direct || !authorityHost) return direct;
  const unresolved = /endpoints_resolution_error|openid_config_error/.test(String((cause as Error)?.message ?? cause));
  return unresolved ? probeTlsTrust(authorityHost) : undefined;
}
