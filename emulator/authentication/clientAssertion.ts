/**
 * Client assertions (`client_assertion_type=urn:ietf:params:oauth:client-assertion-type:jwt-bearer`),
 * checked as Entra checks them, each failure with Entra's AADSTS code:
 * - a certificate credential signs its own JWT (`iss` = `sub` = client id, `aud` = the token
 *   endpoint) with the key of a certificate registered for the app, named in the header by
 *   `x5t` (SHA-1) or `x5t#S256` (SHA-256 thumbprint);
 * - a federated credential presents another issuer's OIDC token (GitHub Actions, AKS…): its
 *   issuer, subject and audience must match one of the app's federated credentials and its
 *   signature the issuer's published keys (issuerKeys.ts).
 * Validity is checked on the wall clock: assertions come from the client's clock, and Entra is
 * not part of the emulated world (see entraEndpoints.ts).
 */
import { constants, createHash, verify, X509Certificate, type KeyObject } from "node:crypto";
import { AssertionRefused } from "./assertionRefused";
import type { IssuerKeys } from "./issuerKeys";
import type { ScenarioApp } from "../scenario/scenarioSchema";

export const JWT_BEARER = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

interface Jwt {
  header: { alg?: string; kid?: string; x5t?: string; "x5t#S256"?: string };
  claims: { iss?: string; sub?: string; aud?: string | string[]; exp?: number; nbf?: number };
  input: Buffer;
  signature: Buffer;
}

function parse(token: string): Jwt {
  const parts = token.split(".");
  try {
    if (parts.length !== 3) throw new Error("not three parts");
    const json = (s: string) => JSON.parse(Buffer.from(s, "base64url").toString("utf8"));
    return { header: json(parts[0]), claims: json(parts[1]), input: Buffer.from(`${parts[0]}.${parts[1]}`), signature: Buffer.from(parts[2], "base64url") };
  } catch {
    throw new AssertionRefused(400, "invalid_request", 50027, "Invalid JWT token. The token is malformed.");
  }
}

/** RS256, PS256 (what MSAL uses with a SHA-256 thumbprint) and ES256. */
function signedBy(jwt: Jwt, key: KeyObject): boolean {
  const { alg } = jwt.header;
  try {
    if (alg === "RS256") return verify("sha256", jwt.input, key, jwt.signature);
    if (alg === "PS256") return verify("sha256", jwt.input, { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: constants.RSA_PSS_SALTLEN_DIGEST }, jwt.signature);
    if (alg === "ES256") return verify("sha256", jwt.input, { key, dsaEncoding: "ieee-p1363" }, jwt.signature);
  } catch {
    return false;
  }
  return false;
}

function checkTime(jwt: Jwt, nowMs: number): void {
  const now = Math.floor(nowMs / 1000);
  const { exp, nbf } = jwt.claims;
  // Entra allows five minutes of clock skew on either side.
  if (typeof exp !== "number" || now >= exp + 300 || (typeof nbf === "number" && now < nbf - 300)) {
    const iso = (s: unknown) => (typeof s === "number" ? new Date(s * 1000).toISOString() : "none");
    throw new AssertionRefused(400, "invalid_client", 700024, `Client assertion is not within its valid time range. Current time: ${new Date(nowMs).toISOString()}, assertion valid from ${iso(nbf)}, expiry time of assertion ${iso(exp)}.`);
  }
}

const invalidSignature = (reason: string) =>
  new AssertionRefused(401, "invalid_client", 700027, `Client assertion contains an invalid signature. [Reason - ${reason}]`);

export interface AssertionContext {
  app: ScenarioApp;
  /** The token endpoint URLs the assertion may name as its audience (v2 and v1, as reached). */
  tokenEndpoints: string[];
  issuerKeys: IssuerKeys;
  nowMs: number;
}

/** Resolves when the assertion proves the app's identity; throws `AssertionRefused` otherwise. */
export async function verifyClientAssertion(assertion: string, ctx: AssertionContext): Promise<void> {
  const jwt = parse(assertion);
  const selfIssued = jwt.claims.iss === ctx.app.clientId || jwt.claims.sub === ctx.app.clientId;
  if (selfIssued) verifyCertificateAssertion(jwt, ctx);
  else await verifyFederatedAssertion(jwt, ctx);
}

function verifyCertificateAssertion(jwt: Jwt, ctx: AssertionContext): void {
  const { app } = ctx;
  const s256 = jwt.header["x5t#S256"];
  const s1 = jwt.header.x5t;
  const cert = app.certificates
    .map((pem) => new X509Certificate(pem))
    .find((c) => (s256 && createHash("sha256").update(c.raw).digest("base64url") === s256) || (s1 && createHash("sha1").update(c.raw).digest("base64url") === s1));
  if (!cert) {
    const given = s256 ?? s1;
    const hex = given ? Buffer.from(given, "base64url").toString("hex").toUpperCase() : "none";
    throw invalidSignature(`The key was not found., Thumbprint of key used by client: '${hex}', Please visit the Azure Portal, Graph Explorer or directly use MS Graph to see configured keys for app Id '${app.clientId}'.`);
  }
  if (!signedBy(jwt, cert.publicKey)) throw invalidSignature("The provided signature value did not match the expected signature value.");
  checkTime(jwt, ctx.nowMs);
  const aud = [jwt.claims.aud ?? []].flat();
  if (jwt.claims.iss !== app.clientId || jwt.claims.sub !== app.clientId) {
    throw new AssertionRefused(401, "invalid_client", 700021, `Client assertion application identifier doesn't match 'client_id' parameter.`);
  }
  if (!aud.some((a) => ctx.tokenEndpoints.includes(a.replace(/\/+$/, "")))) {
    throw new AssertionRefused(400, "invalid_request", 50027, `Invalid JWT token. Token doesn't contain valid audience. Audience: '${aud.join(", ")}'.`);
  }
}

async function verifyFederatedAssertion(jwt: Jwt, ctx: AssertionContext): Promise<void> {
  const { iss, sub } = jwt.claims;
  const aud = [jwt.claims.aud ?? []].flat();
  const byIssuer = ctx.app.federatedCredentials.filter((c) => c.issuer === iss);
  if (byIssuer.length === 0) {
    throw new AssertionRefused(400, "invalid_request", 700211, `No matching federated identity record found for presented assertion issuer '${iss}'. Please note that the matching is done using a case-sensitive comparison. Please check your federated identity credential Subject, Audience and Issuer against the presented assertion.`);
  }
  const keys = await ctx.issuerKeys.keysFor(iss!, jwt.header.kid);
  if (!keys.some((k) => signedBy(jwt, k))) throw invalidSignature(`The signature does not match any key published by the issuer '${iss}' (kid '${jwt.header.kid ?? "none"}').`);
  checkTime(jwt, ctx.nowMs);
  const byAudience = byIssuer.filter((c) => c.audiences.some((a) => aud.includes(a)));
  if (byAudience.length === 0) {
    throw new AssertionRefused(400, "invalid_request", 700212, `No matching federated identity record found for presented assertion audience '${aud.join(", ")}'. Please note that the matching is done using a case-sensitive comparison.`);
  }
  if (!byAudience.some((c) => c.subject === sub)) {
    throw new AssertionRefused(400, "invalid_request", 70021, `No matching federated identity record found for presented assertion. Assertion Issuer: '${iss}'. Assertion Subject: '${sub}'. Assertion Audience: '${aud.join(", ")}'.`);
  }
}
