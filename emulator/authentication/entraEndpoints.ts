/**
 * Entra-compatible token endpoints for the scenario's tenants: OpenID discovery, JWKS and the
 * client-credentials token grant (v2 with `scope=<resource>/.default`, v1 with `resource=`).
 * What @azure/identity needs is exactly what B5 of pulumi-dynamic-providers.md found:
 * `token_endpoint`, `authorization_endpoint`, `issuer`, `jwks_uri`; a reply with `access_token`
 * and `expires_in`; Entra's error JSON for a wrong secret or tenant.
 */
import { MDE_APP_ID, MDE_AUDIENCE_URIS } from "../../provider/api/endpoints";
import { AssertionRefused } from "./assertionRefused";
import { JWT_BEARER, verifyClientAssertion } from "./clientAssertion";
import { entraError } from "../wire/errors";
import type { Handler, RequestContext } from "../handlers/handler";

/** Azure Storage: evidence goes to blob containers (Azurite in tests) with the same credential. */
const STORAGE_RESOURCE = "https://storage.azure.com";
/**
 * Resources a token can be asked for by URI (the Defender API's app id is matched exactly);
 * tokens for Graph exist so clients can test the 403 on a wrong audience.
 */
const KNOWN_RESOURCES: readonly string[] = [...MDE_AUDIENCE_URIS, "https://graph.microsoft.com", STORAGE_RESOURCE];

function tenantOr400(ctx: RequestContext): string {
  const tenant = ctx.params.tenant.toLowerCase();
  if (!ctx.emu.scenario.tenants.some((t) => t.id === tenant)) {
    throw entraError(400, "invalid_tenant", 90002, `Tenant '${ctx.params.tenant}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud.`, ctx.reqId);
  }
  return tenant;
}

export const openidConfiguration: Handler = (ctx) => {
  const tid = tenantOr400(ctx);
  const base = `${ctx.baseUrl}/${tid}`;
  return {
    status: 200,
    json: {
      token_endpoint: `${base}/oauth2/v2.0/token`,
      token_endpoint_auth_methods_supported: ["client_secret_post", "private_key_jwt", "client_secret_basic"],
      jwks_uri: `${base}/discovery/v2.0/keys`,
      response_modes_supported: ["query", "fragment", "form_post"],
      subject_types_supported: ["pairwise"],
      id_token_signing_alg_values_supported: ["RS256"],
      response_types_supported: ["code", "id_token", "code id_token", "id_token token"],
      scopes_supported: ["openid", "profile", "email", "offline_access"],
      issuer: `${base}/v2.0`,
      request_uri_parameter_supported: false,
      authorization_endpoint: `${base}/oauth2/v2.0/authorize`,
      device_authorization_endpoint: `${base}/oauth2/v2.0/devicecode`,
      end_session_endpoint: `${base}/oauth2/v2.0/logout`,
      tenant_region_scope: "EU",
      cloud_instance_name: "microsoftonline.com",
    },
  };
};

export const jwks: Handler = (ctx) => {
  tenantOr400(ctx);
  return { status: 200, json: ctx.emu.signer.jwks() };
};

/** Both versions of the grant; `version` decides between `scope` (v2) and `resource` (v1). */
export function tokenGrant(version: 1 | 2): Handler {
  return async (ctx) => {
    const tid = tenantOr400(ctx);
    const form = new URLSearchParams(ctx.body.toString("utf8"));
    const basic = /^Basic\s+(\S+)$/i.exec(String(ctx.headers.authorization ?? ""));
    const [basicId, basicSecret] = basic ? Buffer.from(basic[1], "base64").toString("utf8").split(":").map(decodeURIComponent) : [];
    const fail = (status: number, error: string, code: number, text: string) => entraError(status, error, code, text, ctx.reqId);
    const missing = (p: string) => fail(400, "invalid_request", 900144, `The request body must contain the following parameter: '${p}'.`);

    const grant = form.get("grant_type");
    if (!grant) throw missing("grant_type");
    if (grant !== "client_credentials") throw fail(400, "unsupported_grant_type", 70003, `The app requested an unsupported grant type '${grant}'.`);
    const clientId = (form.get("client_id") ?? basicId ?? "").toLowerCase();
    if (!clientId) throw missing("client_id");
    const app = ctx.emu.scenario.apps.find((a) => a.clientId === clientId && a.tenantId === tid);
    if (!app) {
      throw fail(400, "unauthorized_client", 700016, `Application with identifier '${clientId}' was not found in the directory '${tid}'. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant.`);
    }
    const secret = form.get("client_secret") ?? basicSecret;
    const assertion = form.get("client_assertion");
    const assertionType = form.get("client_assertion_type");
    if (assertion || assertionType) {
      if (assertionType !== JWT_BEARER) throw fail(400, "invalid_request", 50012, `Invalid client assertion type '${assertionType}'; expected '${JWT_BEARER}'.`);
      if (!assertion) throw missing("client_assertion");
      const base = `${ctx.baseUrl}/${ctx.params.tenant}`;
      try {
        await verifyClientAssertion(assertion, { app, tokenEndpoints: [`${base}/oauth2/v2.0/token`, `${base}/oauth2/token`], issuerKeys: ctx.emu.issuerKeys, nowMs: Date.now() });
      } catch (e) {
        if (e instanceof AssertionRefused) throw fail(e.status, e.error, e.aadsts, e.text);
        throw e;
      }
    } else if (!secret) {
      throw fail(401, "invalid_client", 7000218, "The request body must contain the following parameter: 'client_assertion' or 'client_secret'.");
    } else if (secret !== app.clientSecret) {
      throw fail(401, "invalid_client", 7000215, `Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '${app.clientId}'.`);
    }
    let resource: string;
    if (version === 2) {
      const scope = form.get("scope");
      if (!scope) throw missing("scope");
      const first = scope.split(" ").find((s) => s.endsWith("/.default"));
      if (!first) throw fail(400, "invalid_scope", 1002012, `The provided value for scope ${scope} is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier (application ID URI).`);
      resource = first.slice(0, -"/.default".length);
    } else {
      const r = form.get("resource");
      if (!r) throw missing("resource");
      resource = r;
    }
    resource = resource.replace(/\/+$/, "");
    if (!KNOWN_RESOURCES.some((r) => r.toLowerCase() === resource.toLowerCase()) && resource !== MDE_APP_ID) {
      throw fail(400, "invalid_resource", 500011, `The resource principal named ${resource} was not found in the tenant named ${tid}. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant.`);
    }
    // Entra is not part of the emulated world: a token lives its lifetime in real time, so a
    // time-scaled emulator does not push clients below MSAL's 5-minute caching margin.
    const lifetime = ctx.emu.scenario.switches.tokenLifetimeSeconds;
    // A storage token is checked by a service on the real clock (Azurite), not the emulated one.
    const realClock = resource.toLowerCase() === STORAGE_RESOURCE;
    const emulatedLifetime = realClock ? lifetime : Math.round(lifetime * ctx.emu.timeScale);
    const iat = Math.floor((realClock ? Date.now() : ctx.nowMs) / 1000);
    const accessToken = ctx.emu.signer.issue({
      aud: resource,
      iss: `https://sts.windows.net/${tid}/`,
      iat,
      nbf: iat,
      exp: iat + emulatedLifetime,
      aio: "emulator",
      appid: app.clientId,
      appidacr: "1",
      idp: `https://sts.windows.net/${tid}/`,
      idtyp: "app",
      oid: app.clientId,
      roles: app.roles,
      sub: app.clientId,
      tid,
      ver: "1.0",
    });
    ctx.emu.counters.token();
    const realLifetime = Math.max(1, lifetime - 1);
    return {
      status: 200,
      json: { token_type: "Bearer", expires_in: realLifetime, ext_expires_in: realLifetime, access_token: accessToken },
      headers: { "Cache-Control": "no-store, no-cache", Pragma: "no-cache" },
    };
  };
}
