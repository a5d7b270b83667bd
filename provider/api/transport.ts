/**
 * The innermost pipeline stage: one HTTP exchange with undici, JSON in and out, and the only place
 * where replies and socket failures become typed errors.
 *
 * Why one keep-alive Agent per client: a deployment makes many small calls to one host (polling,
 * listing), and reusing TLS connections keeps them cheap; owning the Agent lets `close()` release
 * the sockets so the provider process can exit. A dispatcher can be injected (tests) and is then
 * left open for its owner. The own dispatcher honours HTTPS_PROXY / NO_PROXY (proxy.ts).
 */
import { type Dispatcher, request as undiciRequest } from "undici";
import type { Clock } from "../util/clock";
import { packageVersion, PACKAGE_NAME } from "../util/packageInfo";
import { MdeNetworkError } from "./errors";
import { toMdeError } from "./httpErrors";
import type { MdeRequest, MdeResponse } from "./pipeline";
import { proxyAwareDispatcher, proxyFor, redactProxyUrl } from "./proxy";
import { tlsTrustAdvice } from "./tlsTrust";

/** Time to establish TCP + TLS; a connect that fails never reached MDE, so it is safe to retry. */
export const CONNECT_TIMEOUT_MS = 10_000;
/** Time to the response headers. MDE normally answers in well under a second; list calls can be slow. */
export const HEADERS_TIMEOUT_MS = 60_000;
/** Longest silence while reading a body (10 000-item pages are a few MB). */
export const BODY_TIMEOUT_MS = 60_000;
/** How long an idle connection is kept for reuse; polls come every few seconds. */
export const KEEP_ALIVE_TIMEOUT_MS = 30_000;

export interface TransportOptions {
  clock: Clock;
  /** Used instead of an own Agent, and not closed by {@link Transport.close}. */
  dispatcher?: Dispatcher;
  connectTimeoutMs?: number;
  headersTimeoutMs?: number;
  bodyTimeoutMs?: number;
  keepAliveTimeoutMs?: number;
  /** Values to redact verbatim from error messages. */
  knownSecrets?: readonly (string | undefined)[];
}

/** `pulumi-mde-forensics/<version>`: lets Microsoft and proxies tell our traffic apart. */
export function userAgent(): string {
  return `${PACKAGE_NAME}/${packageVersion()}`;
}

/** Failures that happen before any byte of the request is sent: nothing reached MDE. */
const NOT_SENT_CODES = new Set(["ECONNREFUSED", "ENOTFOUND", "EAI_AGAIN", "ENETUNREACH", "EHOSTUNREACH", "UND_ERR_CONNECT_TIMEOUT"]);
/** TLS trust failures: retrying cannot help; the CA bundle must change. */
const TLS_CODES = /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|ERR_TLS/;

export class Transport {
  /** The own dispatcher, created on first use and again after `close()`, so closing never breaks a shared client. */
  private agent?: Dispatcher;

  constructor(private readonly options: TransportOptions) {}

  private dispatcher(): Dispatcher {
    if (this.options.dispatcher) return this.options.dispatcher;
    this.agent ??= proxyAwareDispatcher({
      connect: { timeout: this.options.connectTimeoutMs ?? CONNECT_TIMEOUT_MS },
      keepAliveTimeout: this.options.keepAliveTimeoutMs ?? KEEP_ALIVE_TIMEOUT_MS,
      headersTimeout: this.options.headersTimeoutMs ?? HEADERS_TIMEOUT_MS,
      bodyTimeout: this.options.bodyTimeoutMs ?? BODY_TIMEOUT_MS,
    });
    return this.agent;
  }

  /** Sends one request; resolves with a 2xx reply, throws a typed `MdeError` otherwise. */
  readonly send = async (request: MdeRequest): Promise<MdeResponse> => {
    const url = new URL(request.url);
    const headers: Record<string, string> = { accept: "application/json", "user-agent": userAgent(), ...request.headers };
    const body = request.body === undefined ? undefined : JSON.stringify(request.body);
    if (body !== undefined) headers["content-type"] = "application/json";
    let status: number;
    let responseHeaders: MdeResponse["headers"];
    let text: string;
    try {
      const res = await undiciRequest(url, {
        method: request.method,
        headers,
        body,
        dispatcher: this.dispatcher(),
        signal: request.signal,
        headersTimeout: this.options.headersTimeoutMs ?? HEADERS_TIMEOUT_MS,
        bodyTimeout: this.options.bodyTimeoutMs ?? BODY_TIMEOUT_MS,
      });
      status = res.statusCode;
      responseHeaders = res.headers;
      text = await res.body.text();
    } catch (cause) {
      if (request.signal?.aborted) throw request.signal.reason;
      throw this.networkError(request, url, cause);
    }
    const parsed = parseBody(text, responseHeaders["content-type"]);
    if (status >= 200 && status < 300) return { status, headers: responseHeaders, body: parsed };
    throw toMdeError({
      method: request.method,
      path: url.pathname,
      family: request.family,
      status,
      headers: responseHeaders,
      body: parsed,
      nowMs: this.options.clock.now(),
      knownSecrets: this.options.knownSecrets,
    });
  };

  /** Releases the own Agent's sockets (an injected dispatcher is left alone); a later call opens new ones. */
  async close(): Promise<void> {
    const agent = this.agent;
    this.agent = undefined;
    await agent?.close();
  }

  private networkError(request: MdeRequest, url: URL, cause: unknown): MdeNetworkError {
    const code = (cause as { code?: string } | undefined)?.code;
    const text = cause instanceof Error ? cause.message : String(cause);
    const tls = code !== undefined && TLS_CODES.test(code);
    const proxy = this.options.dispatcher ? undefined : proxyFor(url);
    const proxyStatus = proxy ? Number(/Proxy response \((\d{3})\)/.exec(text)?.[1] ?? NaN) : NaN;
    const notSent = (code !== undefined && NOT_SENT_CODES.has(code)) || tls || proxyStatus > 0;
    const fate = notSent
      ? "The request did not reach MDE."
      : "The request may have reached MDE; its outcome is unknown.";
    const via = proxy ? ` through the proxy ${redactProxyUrl(proxy)} (HTTPS_PROXY)` : "";
    const advice = tls && code
      ? ` ${tlsTrustAdvice(url.host, code).replace(/^t/, "T")}.`
      : proxyStatus > 0
        ? ` The proxy ${redactProxyUrl(proxy!)} refused to connect to ${url.host} (HTTP ${proxyStatus}${proxyStatus === 407 ? ", proxy authentication required: check the user and password in HTTPS_PROXY" : ""}); allow the host on the proxy, or list it in NO_PROXY if it is reachable directly.`
        : ` Check connectivity to ${url.host}${via} (proxy, firewall, DNS).`;
    return new MdeNetworkError(`${request.method} ${url.pathname} to ${url.host} failed: ${text}${code ? ` (${code})` : ""}. ${fate}${advice}`, {
      method: request.method,
      path: url.pathname,
      networkCode: code,
      ambiguous: !notSent,
      // A proxy that refuses (403, 407) refuses again; one that could not reach MDE (502, 503) may not.
      transient: !tls && !(proxyStatus >= 400 && proxyStatus < 500),
      cause,
      knownSecrets: this.options.knownSecrets,
    });
  }
}

/** JSON when it says or looks like JSON, the text otherwise, `undefined` when empty. */
function parseBody(text: string, contentType: string | string[] | undefined): unknown {
  if (text.trim() === "") return undefined;
  const type = Array.isArray(contentType) ? contentType[0] : contentType;
  if ((type && /json/i.test(type)) || /^\s*[[{"]/.test(text)) {
    try {
      return JSON.parse(text) as unknown;
    } catch {
      return text;
    }
  }
  return text;
}
