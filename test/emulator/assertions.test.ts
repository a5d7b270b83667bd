/**
 * The token endpoint's client assertions, over HTTPS, as Entra checks them: a certificate
 * credential's self-signed JWT (x5t / x5t#S256, RS256 / PS256) and a federated token from a local
 * OIDC issuer standing in for GitHub Actions, each failure with Entra's AADSTS code.
 * (The real @azure/identity's credentials run against it in test/api/credentials.e2e.test.ts.)
 */
import { execFileSync } from "node:child_process";
import { constants, createHash, createPrivateKey, randomUUID, sign, X509Certificate } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ensureTls } from "../../emulator/server/certs";
import { defaultScenario } from "../../emulator/scenario/defaultScenario";
import { GITHUB_SUBJECT, LocalOidcIssuer } from "../helpers/oidcIssuer";
import { jwtPayload, sharedTlsDir, startHarness, type Harness } from "./harness";

let h: Harness;
let issuer: LocalOidcIssuer;
let dir: string;
const certs: Record<"registered" | "other", { key: string; cert: string }> = {} as never;

function selfSigned(name: string) {
  execFileSync("openssl", ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", `${name}.key`, "-out", `${name}.crt`, "-days", "2", "-subj", `/CN=${name}`], { cwd: dir, stdio: "pipe" });
  return { key: readFileSync(join(dir, `${name}.key`), "utf8"), cert: readFileSync(join(dir, `${name}.crt`), "utf8") };
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "mde-assertions-"));
  certs.registered = selfSigned("registered");
  certs.other = selfSigned("other");
  const tls = ensureTls(sharedTlsDir);
  issuer = await LocalOidcIssuer.start(sharedTlsDir);
  const scenario = defaultScenario();
  scenario.apps = scenario.apps.map((a, i) => (i === 0 ? { ...a, certificates: [certs.registered.cert], federatedCredentials: [{ issuer: issuer.url, subject: GITHUB_SUBJECT }] } : a));
  h = await startHarness({ control: true, scenario, trustedCaFiles: [tls.caFile] });
});
afterAll(async () => {
  await h.close();
  await issuer.close();
  rmSync(dir, { recursive: true, force: true });
});

const tokenUrl = () => `${h.emu.authorityHost}/${h.emu.tenantId}/oauth2/v2.0/token`;

async function signIn(assertion: string, type = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer") {
  const form = new URLSearchParams({ grant_type: "client_credentials", client_id: h.emu.clientId, client_assertion_type: type, client_assertion: assertion, scope: "https://api.securitycenter.microsoft.com/.default" });
  return h.call("POST", `/${h.emu.tenantId}/oauth2/v2.0/token`, { body: form.toString(), headers: { "content-type": "application/x-www-form-urlencoded" } });
}

/** What MSAL sends for a certificate credential: a JWT about the app, for the token endpoint, signed with the certificate's key. */
function certificateAssertion(c: { key: string; cert: string }, o: { alg?: "RS256" | "PS256"; expiresInS?: number; aud?: string; signWith?: string } = {}) {
  const alg = o.alg ?? "PS256";
  const raw = new X509Certificate(c.cert).raw;
  const header = alg === "PS256" ? { alg, typ: "JWT", "x5t#S256": createHash("sha256").update(raw).digest("base64url") } : { alg, typ: "JWT", x5t: createHash("sha1").update(raw).digest("base64url") };
  const now = Math.floor(Date.now() / 1000);
  const claims = { aud: o.aud ?? tokenUrl(), iss: h.emu.clientId, sub: h.emu.clientId, jti: randomUUID(), nbf: now, exp: now + (o.expiresInS ?? 600) };
  const input = `${Buffer.from(JSON.stringify(header)).toString("base64url")}.${Buffer.from(JSON.stringify(claims)).toString("base64url")}`;
  const key = createPrivateKey(o.signWith ?? c.key);
  const sig = alg === "PS256" ? sign("sha256", Buffer.from(input), { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 }) : sign("sha256", Buffer.from(input), key);
  return `${input}.${sig.toString("base64url")}`;
}

const aadsts = (res: { json: any }) => res.json.error_codes?.[0];

describe("certificate credentials", () => {
  it("issues a token for an assertion signed by the registered certificate (PS256 + x5t#S256, RS256 + x5t)", async () => {
    for (const alg of ["PS256", "RS256"] as const) {
      const res = await signIn(certificateAssertion(certs.registered, { alg }));
      expect(res.status).toBe(200);
      expect(jwtPayload(res.json.access_token)).toMatchObject({ appid: h.emu.clientId, roles: expect.arrayContaining(["Machine.CollectForensics"]) });
    }
  });

  it("refuses a certificate the app does not have with AADSTS700027, naming its thumbprint", async () => {
    const res = await signIn(certificateAssertion(certs.other));
    expect(res.status).toBe(401);
    expect(aadsts(res)).toBe(700027);
    const thumb = createHash("sha256").update(new X509Certificate(certs.other.cert).raw).digest("hex").toUpperCase();
    expect(res.json.error_description).toContain(`The key was not found., Thumbprint of key used by client: '${thumb}'`);
  });

  it("refuses a signature by another key under the registered thumbprint (AADSTS700027), an expired assertion (AADSTS700024), another audience (AADSTS50027)", async () => {
    const forged = await signIn(certificateAssertion(certs.registered, { signWith: certs.other.key }));
    expect([forged.status, aadsts(forged)]).toEqual([401, 700027]);
    expect(forged.json.error_description).toContain("The provided signature value did not match");
    const expired = await signIn(certificateAssertion(certs.registered, { expiresInS: -600 }));
    expect([expired.status, aadsts(expired)]).toEqual([400, 700024]);
    const elsewhere = await signIn(certificateAssertion(certs.registered, { aud: "https://login.example.invalid/token" }));
    expect([elsewhere.status, aadsts(elsewhere)]).toEqual([400, 50027]);
  });

  it("refuses another assertion type and a malformed assertion", async () => {
    expect(aadsts(await signIn(certificateAssertion(certs.registered), "urn:ietf:params:oauth:client-assertion-type:saml2-bearer"))).toBe(50012);
    expect(aadsts(await signIn("not-a-jwt"))).toBe(50027);
  });
});

describe("federated credentials (a GitHub-style OIDC token)", () => {
  it("issues a token for the workflow's token: issuer, subject and audience match, signature by the issuer's published key", async () => {
    const res = await signIn(issuer.mint());
    expect(res.status).toBe(200);
    expect(jwtPayload(res.json.access_token).appid).toBe(h.emu.clientId);
  });

  it("names each mismatch with Entra's code", async () => {
    const cases: Array<[string, string, number]> = [
      ["another subject (a branch instead of the environment)", issuer.mint({ claims: { sub: "repo:contoso/ir:ref:refs/heads/feature" } }), 70021],
      ["another audience", issuer.mint({ claims: { aud: "https://example.invalid" } }), 700212],
      ["an issuer the app does not trust", issuer.mint({ claims: { iss: "https://token.actions.example.invalid" } }), 700211],
      ["a key the issuer does not publish", issuer.mint({ foreignKey: true }), 700027],
      ["an expired token", issuer.mint({ expiresInS: -600 }), 700024],
    ];
    for (const [what, token, code] of cases) {
      const res = await signIn(token);
      expect({ what, code: aadsts(res) }).toEqual({ what, code });
      expect(res.status).toBeGreaterThanOrEqual(400);
    }
    const wrongSubject = await signIn(issuer.mint({ claims: { sub: "repo:contoso/ir:ref:refs/heads/feature" } }));
    expect(wrongSubject.json.error_description).toContain(`Assertion Issuer: '${issuer.url}'. Assertion Subject: 'repo:contoso/ir:ref:refs/heads/feature'.`);
  });
});
