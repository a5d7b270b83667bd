/**
 * The signing keys of the OIDC issuers that federated credentials trust (GitHub Actions, an AKS
 * cluster…), fetched as Entra fetches them: `<issuer>/.well-known/openid-configuration`, then its
 * `jwks_uri`; kept for five minutes, and fetched again for a key id not seen yet (key rollover).
 * `trustedCaFiles` lets the emulator trust a local issuer's certificate (tests, drills).
 */
import { readFileSync } from "node:fs";
import { rootCertificates } from "node:tls";
import { createPublicKey, type JsonWebKey, type KeyObject } from "node:crypto";
import { Agent, request } from "undici";
import { AssertionRefused } from "./assertionRefused";

const CACHE_MS = 5 * 60_000;

export class IssuerKeys {
  private readonly cache = new Map<string, { keys: Array<{ kid?: string; key: KeyObject }>; at: number }>();
  private readonly agent?: Agent;

  constructor(trustedCaFiles: string[] = []) {
    if (trustedCaFiles.length > 0) {
      // Node's own roots and NODE_EXTRA_CA_CERTS stay trusted: a `ca` option would otherwise replace them.
      const extra = (process.env.NODE_EXTRA_CA_CERTS ? [safeRead(process.env.NODE_EXTRA_CA_CERTS)] : []).filter(Boolean) as string[];
      this.agent = new Agent({ connect: { ca: [...rootCertificates, ...extra, ...trustedCaFiles.map((f) => readFileSync(f, "utf8"))] } });
    }
  }

  /** The issuer's keys; `kid` (when given and unknown) forces a fresh fetch. */
  async keysFor(issuer: string, kid?: string): Promise<KeyObject[]> {
    let entry = this.cache.get(issuer);
    const stale = !entry || Date.now() - entry.at > CACHE_MS || (kid !== undefined && !entry.keys.some((k) => k.kid === kid));
    if (stale) {
      entry = { keys: await this.fetch(issuer), at: Date.now() };
      this.cache.set(issuer, entry);
    }
    const matching = entry!.keys.filter((k) => kid === undefined || k.kid === undefined || k.kid === kid);
    return matching.map((k) => k.key);
  }

  async close(): Promise<void> {
    await this.agent?.close();
  }

  private async fetch(issuer: string): Promise<Array<{ kid?: string; key: KeyObject }>> {
    try {
      const config = (await this.getJson(`${issuer.replace(/\/+$/, "")}/.well-known/openid-configuration`)) as { jwks_uri?: string };
      if (!config.jwks_uri) throw new Error("no jwks_uri in its OpenID configuration");
      const jwks = (await this.getJson(config.jwks_uri)) as { keys?: Array<{ kid?: string }> };
      return (jwks.keys ?? []).flatMap((jwk) => {
        const key = jwkKey(jwk);
        return key ? [{ kid: jwk.kid, key }] : [];
      });
    } catch (e) {
      throw new AssertionRefused(400, "invalid_request", 50166, `Request to External OIDC endpoint failed. Issuer: '${issuer}'. ${(e as Error).message}`);
    }
  }

  private async getJson(url: string): Promise<unknown> {
    const res = await request(url, { dispatcher: this.agent, headersTimeout: 10_000, bodyTimeout: 10_000 });
    if (res.statusCode !== 200) {
      await res.body.dump();
      throw new Error(`GET ${url} answered ${res.statusCode}`);
    }
    return res.body.json();
  }
}

function safeRead(file: string): string | undefined {
  try {
    return readFileSync(file, "utf8");
  } catch {
    return undefined;
  }
}

/** A JWK from a JWKS as a key object; undefined for one node cannot use. */
function jwkKey(jwk: object): KeyObject | undefined {
  try {
    return createPublicKey({ key: jwk as JsonWebKey, format: "jwk" });
  } catch {
    return undefined;
  }
}
