/**
 * Sign-in failures: an Entra outage (5xx, 429, dropped connection) is retried with back-off and
 * costs no collection; a refusal fails at once and names Entra's AADSTS code. The outage runs in
 * virtual time: the client sleeps on the emulator's manual clock, so 20 s pass without waiting.
 * The real @azure/identity's error shapes are exercised in identity.e2e.test.ts (child process).
 */
import type { AccessToken, TokenCredential } from "@azure/identity";
import { DEFAULT_MACHINES as M } from "../../emulator/scenario/defaultScenario";
import { MdeClient } from "../../provider/api/client";
import { MdeUnauthorizedError } from "../../provider/api/errors";
import { resolveSettings } from "../../provider/api/settings";
import { classifySignInFailure, EntraUnavailableError, signInError } from "../../provider/api/signInErrors";
import type { Clock } from "../../provider/util/clock";
import { startHarness, type Harness } from "../emulator/harness";

/** What @azure/identity 4 throws: an AuthenticationRequiredError around MSAL's error (shapes seen against the emulator). */
function identityError(cause: Record<string, unknown>): Error {
  const msal = Object.assign(new Error(`${String(cause.errorCode)}: ${String(cause.errorMessage ?? "")}`), cause);
  return Object.assign(new Error("[object Object]: Error(s): Not Available"), { name: "AuthenticationRequiredError", cause: msal });
}

describe("classifySignInFailure", () => {
  it("reads an outage from MSAL's ServerError status under identity's wrapper", () => {
    const e = identityError({ name: "ServerError", status: 503, errorCode: "temporarily_unavailable", errorMessage: "AADSTS90033: MsodsServiceUnavailable. Trace ID: x" });
    expect(classifySignInFailure(e)).toMatchObject({ verdict: "outage", status: 503, aadsts: "AADSTS90033", error: "temporarily_unavailable" });
  });

  it("reads MSAL's replay of a throttled answer (Entra's numbers as the code, no status) as an outage", () => {
    const e = identityError({ name: "ServerError", errorCode: "90033", errorMessage: "AADSTS90033: MsodsServiceUnavailable." });
    expect(classifySignInFailure(e)).toMatchObject({ verdict: "outage", aadsts: "AADSTS90033" });
  });

  it("reads a dropped connection (MSAL network_error) as an outage", () => {
    expect(classifySignInFailure(identityError({ name: "ClientAuthError", errorCode: "network_error" })).verdict).toBe("outage");
  });

  it("reads a wrong secret as a refusal with its AADSTS code and description", () => {
    const e = identityError({ name: "ServerError", status: 401, errorCode: "invalid_client", errorNo: 7000215, errorMessage: "Error(s): 7000215 - Description: AADSTS7000215: Invalid client secret provided. Trace ID: abc Correlation ID: abc" });
    expect(classifySignInFailure(e)).toEqual({ verdict: "refused", status: 401, error: "invalid_client", aadsts: "AADSTS7000215", description: "Invalid client secret provided." });
  });

  it("says what is wrong without blaming Entra when the credential could not be used at all", () => {
    const e = Object.assign(new Error("ENOENT: no such file or directory, open '/x/cert.pem'"), { name: "CredentialUnavailableError" });
    const thrown = signInError(e, { scope: "s/.default", description: "clientCertificate credential", knownSecrets: [] });
    expect(thrown).toBeInstanceOf(MdeUnauthorizedError);
    expect(thrown.message).toContain("CredentialUnavailableError: ENOENT");
    expect(thrown.message).not.toContain("Entra ID refused");
  });
});

describe("against the emulator's token endpoint, in virtual time", () => {
  let h: Harness;
  let tokenRequests: number;
  beforeEach(async () => {
    h = await startHarness({ control: true });
    tokenRequests = 0;
  });
  afterEach(() => h.close());

  /** The emulator's manual clock; a sleep moves it, so back-off costs no real time. */
  const clockOf = (harness: Harness): Clock => ({
    now: () => harness.emu.clock.now(),
    async sleep(ms) {
      await harness.emu.advanceClock(ms);
      await new Promise<void>((r) => setImmediate(r));
    },
  });

  /** Asks the emulator for a token over HTTPS, failing as identity does. */
  const credential = (secret: string): TokenCredential => ({
    async getToken(scope): Promise<AccessToken> {
      tokenRequests++;
      const form = new URLSearchParams({ grant_type: "client_credentials", client_id: h.emu.clientId, client_secret: secret, scope: String(scope) });
      const res = await h.call("POST", `/${h.emu.tenantId}/oauth2/v2.0/token`, { body: form.toString(), headers: { "content-type": "application/x-www-form-urlencoded" } });
      if (res.status !== 200) {
        throw identityError({ name: "ServerError", status: res.status, errorCode: res.json.error, errorNo: res.json.error_codes?.[0], errorMessage: res.json.error_description });
      }
      return { token: res.json.access_token, expiresOnTimestamp: h.emu.clock.now() + res.json.expires_in * 1000 };
    },
  });

  const clientWith = (secret: string, onRetry?: (e: unknown) => void) =>
    new MdeClient(
      resolveSettings({ env: { MDE_API_URL: h.emu.apiUrl, AZURE_AUTHORITY_HOST: h.emu.authorityHost, AZURE_TENANT_ID: h.emu.tenantId, AZURE_CLIENT_ID: h.emu.clientId, AZURE_CLIENT_SECRET: secret } }),
      { credential: credential(secret), dispatcher: h.agent, clock: clockOf(h), onRetry: (i) => onRetry?.(i.error) },
    );

  it("rides out a 20-second token-endpoint outage: every collection is requested once, none fails", async () => {
    h.emu.faults.add({ route: "token", type: "status", status: 503, forMs: 20_000 });
    const started = h.emu.clock.now();
    const retried: unknown[] = [];
    const client = clientWith(h.emu.clientSecret, (e) => retried.push(e));
    try {
      const machines = [M.win11, M.linux, M.mac, M.win11b];
      const results = await Promise.all(machines.map((m) => client.collectInvestigationPackage(m, "INC-20: outage")));
      expect(results.map((r) => r.action.status)).toEqual(machines.map(() => "Pending"));
      for (const m of machines) expect(h.emu.counters().collectPosts[m]).toBe(1);
      expect(h.emu.clock.now() - started).toBeGreaterThanOrEqual(20_000);
      expect(retried.length).toBeGreaterThan(0);
      expect(retried.every((e) => e instanceof EntraUnavailableError)).toBe(true);
      expect((retried[0] as Error).message).toMatch(/Entra ID answered HTTP 503 \(AADSTS90033 temporarily_unavailable .*\)\. No request reached MDE; sign-in is retried with back-off/);
      expect((retried[0] as Error).message).not.toMatch(/Check tenantId|secret/);
      // Concurrent calls share one sign-in at a time: far fewer token requests than calls × attempts.
      expect(h.emu.counters().requests["POST /{tenant}/oauth2/v2.0/token"]).toMatchObject({ "200": 1 });
    } finally {
      await client.close();
    }
  });

  it("fails at once on a wrong secret, naming Entra's code and the fix, without the secret", async () => {
    const wrong = "wrong~Secret.Value_9876543210";
    const client = clientWith(wrong);
    try {
      const err = (await client.collectInvestigationPackage(M.win11, "INC-21").catch((e: unknown) => e)) as MdeUnauthorizedError;
      expect(err).toBeInstanceOf(MdeUnauthorizedError);
      expect(err.code).toBe("AADSTS7000215");
      expect(err.message).toMatch(/Entra ID refused the sign-in \(AADSTS7000215 invalid_client Invalid client secret provided\..*\)\. Fix: the client secret is wrong/);
      expect(err.message).not.toContain(wrong);
      expect(tokenRequests).toBe(1);
      expect(h.emu.counters().collectPosts[M.win11]).toBeUndefined();
    } finally {
      await client.close();
    }
  });

  it("gives up on an outage only when the whole retry budget is spent", async () => {
    h.emu.faults.add({ route: "token", type: "status", status: 503 });
    const client = new MdeClient(
      resolveSettings({ env: { MDE_API_URL: h.emu.apiUrl, AZURE_AUTHORITY_HOST: h.emu.authorityHost, AZURE_TENANT_ID: h.emu.tenantId, AZURE_CLIENT_ID: h.emu.clientId, AZURE_CLIENT_SECRET: h.emu.clientSecret } }),
      { credential: credential(h.emu.clientSecret), dispatcher: h.agent, clock: clockOf(h), retry: { maxTotalMs: 5 * 60_000 } },
    );
    try {
      const started = h.emu.clock.now();
      const err = await client.getMachineAction("0a1b2c3d-4e5f-4061-8273-8495a6b7c8d9").catch((e: unknown) => e);
      expect(err).toBeInstanceOf(EntraUnavailableError);
      // More than maxAttempts (5) sign-ins: an attempt that never reached MDE is free; the time budget bounds them.
      expect(tokenRequests).toBeGreaterThan(5);
      expect(h.emu.clock.now() - started).toBeLessThanOrEqual(5 * 60_000);
      expect(h.emu.clock.now() - started).toBeGreaterThan(2 * 60_000);
    } finally {
      await client.close();
    }
  });
});
