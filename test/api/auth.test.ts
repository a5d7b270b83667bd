import type { AccessToken, TokenCredential } from "@azure/identity";
import { CachingTokenSource, createCredential, credentialOptionsFor } from "../../provider/api/auth";
import { MdeUnauthorizedError } from "../../provider/api/errors";
import { resolveSettings } from "../../provider/api/settings";
import { FakeClock } from "../helpers/fakeClock";

const TENANT = "72f988bf-86f1-41af-91ab-2d7cd011db47";
const CLIENT = "11111111-2222-3333-4444-555555555555";
const SECRET = "very-secret-value-123";

describe("credentialOptionsFor", () => {
  it("passes nothing special for the commercial cloud", () => {
    const s = resolveSettings({ env: { AZURE_TENANT_ID: TENANT, AZURE_CLIENT_ID: CLIENT, AZURE_CLIENT_SECRET: SECRET } });
    expect(credentialOptionsFor(s)).toEqual({ kind: "clientSecret", tenantId: TENANT, clientId: CLIENT, options: {} });
  });

  it("passes the US Gov authority for GCC High without disabling instance discovery", () => {
    const s = resolveSettings({ env: { MDE_CLOUD: "gcc-high", AZURE_TENANT_ID: TENANT, AZURE_CLIENT_ID: CLIENT, AZURE_CLIENT_SECRET: SECRET } });
    expect(credentialOptionsFor(s).options).toEqual({ authorityHost: "https://login.microsoftonline.us" });
  });

  it("turns instance discovery off for an explicit authority override (a local token endpoint)", () => {
    const s = resolveSettings({ env: { AZURE_AUTHORITY_HOST: "https://127.0.0.1:8443/", AZURE_TENANT_ID: TENANT, AZURE_CLIENT_ID: CLIENT, AZURE_CLIENT_SECRET: SECRET } });
    expect(credentialOptionsFor(s).options).toEqual({ authorityHost: "https://127.0.0.1:8443", disableInstanceDiscovery: true });
  });
});

/**
 * jest 29 cannot load @azure/identity (one of its dependencies is ESM-only), so here the module is
 * replaced by recording constructors to check exactly what we pass; identity.e2e.test.ts runs the real
 * library in a child process against a local token endpoint.
 */
jest.mock("@azure/identity", () => {
  const make = (name: string) =>
    class {
      static calls: unknown[][] = [];
      constructor(...args: unknown[]) {
        (this.constructor as unknown as { calls: unknown[][] }).calls.push(args);
      }
      get kind() {
        return name;
      }
    };
  return Object.fromEntries(
    ["ClientSecretCredential", "ClientCertificateCredential", "WorkloadIdentityCredential", "ManagedIdentityCredential", "AzureCliCredential", "DefaultAzureCredential"].map(
      (n) => [n, make(n)],
    ),
  );
});

describe("createCredential", () => {
  const base = { AZURE_TENANT_ID: TENANT, AZURE_CLIENT_ID: CLIENT };
  const override = { AZURE_AUTHORITY_HOST: "https://127.0.0.1:8443" };
  const noDiscovery = { authorityHost: "https://127.0.0.1:8443", disableInstanceDiscovery: true };
  it.each([
    [{ ...base, ...override, AZURE_CLIENT_SECRET: SECRET }, "ClientSecretCredential", [TENANT, CLIENT, SECRET, noDiscovery]],
    [
      { ...base, AZURE_CLIENT_CERTIFICATE_PATH: "/tmp/cert.pem", AZURE_CLIENT_CERTIFICATE_PASSWORD: "pw-123456" },
      "ClientCertificateCredential",
      [TENANT, CLIENT, { certificatePath: "/tmp/cert.pem", certificatePassword: "pw-123456" }, {}],
    ],
    [
      { ...base, ...override, AZURE_FEDERATED_TOKEN_FILE: "/tmp/token" },
      "WorkloadIdentityCredential",
      [{ ...noDiscovery, tenantId: TENANT, clientId: CLIENT, tokenFilePath: "/tmp/token" }],
    ],
    [{ ...base, MDE_CREDENTIAL: "managedIdentity" }, "ManagedIdentityCredential", [{ clientId: CLIENT }]],
    [{ MDE_CREDENTIAL: "azureCli", AZURE_TENANT_ID: TENANT }, "AzureCliCredential", [{ tenantId: TENANT }]],
    [{ ...override }, "DefaultAzureCredential", [noDiscovery]],
  ])("builds the credential the settings call for (%j)", (env, className, args) => {
    const credential = createCredential(resolveSettings({ env })) as unknown as { kind: string; constructor: { calls: unknown[][] } };
    expect(credential.kind).toBe(className);
    expect(credential.constructor.calls.at(-1)).toEqual(args);
  });
});

class ScriptedCredential implements TokenCredential {
  calls = 0;
  constructor(private readonly next: (n: number) => Promise<AccessToken>) {}
  getToken(): Promise<AccessToken> {
    return this.next(++this.calls);
  }
}

describe("CachingTokenSource (Azure tokenCycler rules) in virtual time", () => {
  const HOUR = 3_600_000;
  it("reuses a token until 2 minutes before it expires, then refreshes", async () => {
    const clock = new FakeClock();
    const cred = new ScriptedCredential(async (n) => ({ token: `t${n}`, expiresOnTimestamp: clock.now() + HOUR }));
    const tokens = new CachingTokenSource(cred, "scope", clock);
    expect(await tokens.getToken()).toBe("t1");
    await clock.advance(HOUR - 120_001);
    expect(await tokens.getToken()).toBe("t1");
    await clock.advance(1);
    expect(await tokens.getToken()).toBe("t2");
    expect(cred.calls).toBe(2);
  });

  it("shares one in-flight refresh between concurrent callers", async () => {
    const clock = new FakeClock();
    let release!: () => void;
    const cred = new ScriptedCredential(
      (n) => new Promise((resolve) => (release = () => resolve({ token: `t${n}`, expiresOnTimestamp: clock.now() + HOUR }))),
    );
    const tokens = new CachingTokenSource(cred, "scope", clock);
    const both = Promise.all([tokens.getToken(), tokens.getToken(), tokens.getToken()]);
    release();
    expect(await both).toEqual(["t1", "t1", "t1"]);
    expect(cred.calls).toBe(1);
  });

  it("fetches a new token after invalidate(), but ignores invalidation of an older token", async () => {
    const clock = new FakeClock();
    const cred = new ScriptedCredential(async (n) => ({ token: `t${n}`, expiresOnTimestamp: clock.now() + HOUR }));
    const tokens = new CachingTokenSource(cred, "scope", clock);
    await tokens.getToken();
    tokens.invalidate("t1");
    expect(await tokens.getToken()).toBe("t2");
    tokens.invalidate("t1"); // a late 401 for the old token must not throw away the new one
    expect(await tokens.getToken()).toBe("t2");
    expect(cred.calls).toBe(2);
  });

  it("keeps serving a still-valid token when a refresh fails", async () => {
    const clock = new FakeClock();
    const cred = new ScriptedCredential(async (n) => {
      if (n === 2) throw new Error("Entra ID is down");
      return { token: `t${n}`, expiresOnTimestamp: clock.now() + HOUR };
    });
    const tokens = new CachingTokenSource(cred, "scope", clock);
    await tokens.getToken();
    await clock.advance(HOUR - 60_000); // inside the refresh window, not expired
    expect(await tokens.getToken()).toBe("t1");
    expect(await tokens.getToken()).toBe("t3");
  });

  it("explains a credential failure without echoing the secret", async () => {
    const clock = new FakeClock();
    const cred = new ScriptedCredential(async () => {
      throw new Error(`AADSTS7000215: Invalid client secret provided (client_secret=${SECRET})`);
    });
    const tokens = new CachingTokenSource(cred, "https://api.securitycenter.microsoft.com/.default", clock, { description: "clientSecret credential", knownSecrets: [SECRET] });
    const error = await tokens.getToken().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MdeUnauthorizedError);
    expect((error as Error).message).toMatch(/Could not get an access token for https:\/\/api\.securitycenter\.microsoft\.com\/\.default with the clientSecret credential: .*AADSTS7000215/);
    expect((error as Error).message).toMatch(/Entra ID refused the sign-in \(AADSTS7000215.*Fix: the client secret is wrong/);
    expect((error as Error).message).not.toContain(SECRET);
  });
});
