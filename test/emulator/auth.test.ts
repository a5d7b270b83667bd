/**
 * Entra-compatible token endpoints and the bearer checks on /api: discovery, JWKS, the
 * client-credentials grant, Entra's errors, and 401/403 for missing, expired, forged or
 * under-privileged tokens.
 */
import { createPublicKey, verify } from "node:crypto";
import { DEFAULT_CLIENT_SECRET, DEFAULT_MACHINES as M } from "../../emulator/scenario/defaultScenario";
import { jwtPayload, startHarness, type Harness } from "./harness";

let h: Harness;
beforeEach(async () => {
  h = await startHarness();
});
afterEach(() => h.close());

const form = (fields: Record<string, string>) => ({ body: new URLSearchParams(fields).toString(), headers: { "content-type": "application/x-www-form-urlencoded" } });
const grant = (fields: Record<string, string> = {}) =>
  h.call("POST", `/${h.emu.tenantId}/oauth2/v2.0/token`, form({ grant_type: "client_credentials", client_id: h.emu.clientId, client_secret: DEFAULT_CLIENT_SECRET, scope: "https://api.securitycenter.microsoft.com/.default", ...fields }));

it("publishes the OpenID configuration @azure/identity needs (token, authorization, issuer, jwks)", async () => {
  const res = await h.call("GET", `/${h.emu.tenantId}/v2.0/.well-known/openid-configuration`);
  expect(res.status).toBe(200);
  const base = `${h.emu.authorityHost}/${h.emu.tenantId}`;
  expect(res.json).toMatchObject({
    token_endpoint: `${base}/oauth2/v2.0/token`,
    authorization_endpoint: `${base}/oauth2/v2.0/authorize`,
    issuer: `${base}/v2.0`,
    jwks_uri: `${base}/discovery/v2.0/keys`,
  });
});

it("issues RS256 JWTs with aud, iss, tid, appid, roles and a one-hour lifetime, verifiable with the JWKS", async () => {
  const res = await grant();
  expect(res.status).toBe(200);
  expect(res.json).toMatchObject({ token_type: "Bearer", expires_in: 3599 });
  const jwt: string = res.json.access_token;
  const claims = jwtPayload(jwt);
  const now = Math.floor(h.emu.clock.now() / 1000);
  expect(claims).toMatchObject({
    aud: "https://api.securitycenter.microsoft.com",
    iss: `https://sts.windows.net/${h.emu.tenantId}/`,
    tid: h.emu.tenantId,
    appid: h.emu.clientId,
    roles: ["Machine.CollectForensics", "Machine.Read.All"],
    iat: now,
    nbf: now,
    exp: now + 3600,
  });
  const keys = (await h.call("GET", `/${h.emu.tenantId}/discovery/v2.0/keys`)).json.keys;
  const header = JSON.parse(Buffer.from(jwt.split(".")[0], "base64url").toString());
  const jwk = keys.find((k: { kid: string }) => k.kid === header.kid);
  const [head, body, sig] = jwt.split(".");
  expect(verify("sha256", Buffer.from(`${head}.${body}`), createPublicKey({ key: jwk, format: "jwk" }), Buffer.from(sig, "base64url"))).toBe(true);
});

it("answers a wrong client secret with 401 invalid_client AADSTS7000215, like Entra", async () => {
  const res = await grant({ client_secret: "wrong" });
  expect(res.status).toBe(401);
  expect(res.json.error).toBe("invalid_client");
  expect(res.json.error_codes).toEqual([7000215]);
  expect(res.json.error_description).toMatch(/^AADSTS7000215: Invalid client secret provided\./);
});

it("answers an unknown tenant with 400 AADSTS90002, and other grant mistakes with Entra's codes", async () => {
  const res = await h.call("POST", "/11111111-2222-4333-8444-555555555555/oauth2/v2.0/token", form({ grant_type: "client_credentials" }));
  expect(res.status).toBe(400);
  expect(res.json.error_codes).toEqual([90002]);
  expect((await h.call("GET", "/11111111-2222-4333-8444-555555555555/v2.0/.well-known/openid-configuration")).status).toBe(400);
  expect((await grant({ client_id: "99999999-2222-4333-8444-555555555555" })).json.error_codes).toEqual([700016]);
  expect((await grant({ grant_type: "password" })).json.error).toBe("unsupported_grant_type");
  expect((await grant({ scope: "https://api.securitycenter.microsoft.com/Machine.Read.All" })).json.error).toBe("invalid_scope");
});

it("accepts the v1 endpoint with resource=, and tokens for api.security.microsoft.com", async () => {
  const v1 = await h.call("POST", `/${h.emu.tenantId}/oauth2/token`, form({ grant_type: "client_credentials", client_id: h.emu.clientId, client_secret: DEFAULT_CLIENT_SECRET, resource: "https://api.securitycenter.microsoft.com" }));
  expect(jwtPayload(v1.json.access_token).aud).toBe("https://api.securitycenter.microsoft.com");
  const current = await grant({ scope: "https://api.security.microsoft.com/.default" });
  expect((await h.call("GET", `/api/machines/${M.win11}`, { token: current.json.access_token })).status).toBe(200);
});

describe("bearer checks on every /api call", () => {
  it("401 Unauthorized without a token", async () => {
    const res = await h.call("GET", `/api/machines/${M.win11}`);
    expect(res.status).toBe(401);
    expect(res.json.error.code).toBe("Unauthorized");
    expect(res.headers["www-authenticate"]).toMatch(/^Bearer/);
  });

  it("401 once the token has expired (one hour of emulated time)", async () => {
    const token = (await grant()).json.access_token;
    await h.emu.advanceClock(3599_000);
    expect((await h.call("GET", `/api/machines/${M.win11}`, { token })).status).toBe(200);
    await h.emu.advanceClock(1000);
    const res = await h.call("GET", `/api/machines/${M.win11}`, { token });
    expect(res.status).toBe(401);
    expect(res.json.error.message).toMatch(/expired/);
  });

  it("401 for a token with a forged signature or altered claims", async () => {
    const token: string = (await grant()).json.access_token;
    const [head, body, sig] = token.split(".");
    const flipped = Buffer.from(sig, "base64url");
    flipped[10] ^= 0xff;
    expect((await h.call("GET", "/api/machines", { token: `${head}.${body}.${flipped.toString("base64url")}` })).status).toBe(401);
    const richer = Buffer.from(JSON.stringify({ ...jwtPayload(token), roles: ["Machine.ReadWrite.All", "Machine.CollectForensics"] })).toString("base64url");
    expect((await h.call("GET", "/api/machines", { token: `${head}.${richer}.${sig}` })).status).toBe(401);
    expect((await h.call("GET", "/api/machines", { token: "not-a-jwt" })).status).toBe(401);
  });

  it("403 for a token issued for another audience", async () => {
    const graph = (await grant({ scope: "https://graph.microsoft.com/.default" })).json.access_token;
    const res = await h.call("GET", "/api/machines", { token: graph });
    expect(res.status).toBe(403);
    expect(res.json.error.code).toBe("Forbidden");
  });

  it("a token from the emulator's previous key is rejected after a restart without a data folder", async () => {
    const token = (await grant()).json.access_token;
    const other = await startHarness();
    try {
      expect((await other.call("GET", "/api/machines", { token })).status).toBe(401);
    } finally {
      await other.close();
    }
  });
});
