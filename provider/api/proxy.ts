/**
 * Outbound HTTP proxies for MDE calls and package downloads: `HTTPS_PROXY` (or `ALL_PROXY`,
 * `HTTP_PROXY`) and `NO_PROXY`, through undici's EnvHttpProxyAgent.
 *
 * Why the variables are read here and handed to EnvHttpProxyAgent explicitly: @azure/identity's
 * pipeline (core-rest-pipeline's proxyPolicy) reads the same variables for sign-in, but prefers
 * the UPPER-case spelling and falls back to ALL_PROXY, while undici alone prefers lower-case and
 * ignores ALL_PROXY. Resolving them once, identity's way, sends MDE calls, downloads and sign-in
 * through the same proxy. NO_PROXY entries that both honour alike: host names (`localhost`),
 * addresses (`10.0.0.5`) and domain suffixes (`.contoso.com`); not `host:port` or `*`.
 */
import { Agent, type Dispatcher, EnvHttpProxyAgent } from "undici";

export interface ProxyEnv {
  /** The proxy URL for https requests, as configured (may hold user:password). */
  httpsProxy?: string;
  /** The proxy URL for plain http requests (the emulator's loopback http). */
  httpProxy?: string;
  /** NO_PROXY as configured; empty when unset. */
  noProxy: string;
}

type Env = Record<string, string | undefined>;

/** UPPER-case first, then lower-case: core-rest-pipeline's order. */
const read = (env: Env, name: string) => env[name] || env[name.toLowerCase()] || undefined;

/** The proxy variables, resolved the way @azure/identity resolves them. */
export function proxyEnv(env: Env = process.env): ProxyEnv {
  const httpProxy = read(env, "HTTP_PROXY");
  return {
    httpsProxy: read(env, "HTTPS_PROXY") ?? read(env, "ALL_PROXY") ?? httpProxy,
    httpProxy: httpProxy ?? read(env, "ALL_PROXY"),
    noProxy: read(env, "NO_PROXY") ?? "",
  };
}

/** A proxy URL fit for a message: user name and password replaced, nothing else kept but scheme, host and port. */
export function redactProxyUrl(url: string): string {
  try {
    const u = new URL(url);
    const auth = u.username || u.password ? "***@" : "";
    return `${u.protocol}//${auth}${u.host}`;
  } catch {
    return "(an unparsable proxy URL)";
  }
}

/** The passwords in the proxy URLs, to redact from messages (user names are too short and common to redact safely). */
export function proxyCredentials(p: ProxyEnv = proxyEnv()): string[] {
  const out: string[] = [];
  for (const url of [p.httpsProxy, p.httpProxy]) {
    try {
      const u = new URL(url ?? "");
      if (u.password) out.push(decodeURIComponent(u.password), u.password);
    } catch {
      // not a URL: nothing to redact
    }
  }
  return out;
}

/** The proxy a request to `url` goes through under `p`, or undefined when it goes direct. Mirrors EnvHttpProxyAgent. */
export function proxyFor(url: URL, p: ProxyEnv = proxyEnv()): string | undefined {
  const proxy = url.protocol === "https:" ? p.httpsProxy : p.httpProxy;
  if (!proxy) return undefined;
  const host = url.hostname.replace(/^\[|\]$/g, "").toLowerCase();
  const port = Number(url.port) || (url.protocol === "https:" ? 443 : 80);
  for (const raw of p.noProxy.split(/[,\s]/)) {
    if (!raw) continue;
    if (raw === "*") return undefined;
    const m = /^(.+):(\d+)$/.exec(raw);
    const entry = (m ? m[1] : raw).replace(/^\*?\./, "").replace(/^\[|\]$/g, "").toLowerCase();
    if (m && Number(m[2]) !== port) continue;
    if (host === entry || host.endsWith(`.${entry}`)) return undefined;
  }
  return proxy;
}

/**
 * A dispatcher with `options` that honours the proxy variables; a plain Agent when none is set,
 * so nothing changes for the many installations without a proxy.
 */
export function proxyAwareDispatcher(options: Agent.Options, env: Env = process.env): Dispatcher {
  const p = proxyEnv(env);
  if (!p.httpsProxy && !p.httpProxy) return new Agent(options);
  return new EnvHttpProxyAgent({ ...options, httpsProxy: p.httpsProxy, httpProxy: p.httpProxy, noProxy: p.noProxy });
}
