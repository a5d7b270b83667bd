import { inspect } from "node:util";
import { MdeValidationError } from "../../provider/api/errors";
import { resolveSettings, settingsKey } from "../../provider/api/settings";

const TENANT = "72f988bf-86f1-41af-91ab-2d7cd011db47";
const CLIENT = "11111111-2222-3333-4444-555555555555";
const SECRET = "Abc~def.SuperSecret_0123456789";

const noConfig = () => undefined;
const configOf = (values: Record<string, string>) => (key: string) => values[key];

function validationError(fn: () => unknown): MdeValidationError {
  try {
    fn();
  } catch (e) {
    if (e instanceof MdeValidationError) return e;
    throw e;
  }
  throw new Error("expected a validation error");
}

describe("resolveSettings: endpoints per cloud", () => {
  it("defaults to the commercial host, public login and the documented audience", () => {
    const s = resolveSettings({ config: noConfig, env: {} });
    expect(s).toMatchObject({
      apiUrl: "https://api.security.microsoft.com",
      cloud: "commercial",
      tokenScope: "https://api.securitycenter.microsoft.com/.default",
      authorityHost: "https://login.microsoftonline.com",
      authorityHostOverridden: false,
      credential: "default",
      rateLimits: { timeScale: 1, quotas: { packageUri: { perMinute: 2, perHour: 120 }, collect: { perMinute: 100, perHour: 1500 } } },
    });
  });

  it.each(["us", "eu", "uk", "au", "swa", "ina", "aea"])("uses the %s geo host", (region) => {
    expect(resolveSettings({ env: { MDE_REGION: region.toUpperCase() } }).apiUrl).toBe(`https://${region}.api.security.microsoft.com`);
  });

  it("maps GCC to its own API host with the public login host", () => {
    expect(resolveSettings({ env: { MDE_CLOUD: "GCC" } })).toMatchObject({
      apiUrl: "https://api-gcc.securitycenter.microsoft.us",
      authorityHost: "https://login.microsoftonline.com",
      tokenScope: "https://api.securitycenter.microsoft.com/.default",
    });
  });

  it.each(["gccHigh", "GCC-High", "dod"])("maps %s to the gov host, the .us login host and the gov audience", (cloud) => {
    expect(resolveSettings({ env: { MDE_CLOUD: cloud } })).toMatchObject({
      apiUrl: "https://api-gov.securitycenter.microsoft.us",
      authorityHost: "https://login.microsoftonline.us",
      tokenScope: "https://securitycenter.onmicrosoft.us/windowsatpservice/.default",
    });
  });

  it("lets the (undocumented) gov token scope be overridden", () => {
    const s = resolveSettings({ env: { MDE_CLOUD: "dod", MDE_TOKEN_SCOPE: "https://api-gov.securitycenter.microsoft.us/.default" } });
    expect(s.tokenScope).toBe("https://api-gov.securitycenter.microsoft.us/.default");
  });

  it("takes an explicit base URL (the emulator) over cloud and region, and allows http only on loopback", () => {
    const s = resolveSettings({ env: { MDE_API_URL: "http://127.0.0.1:8080/", MDE_REGION: "eu" } });
    expect(s.apiUrl).toBe("http://127.0.0.1:8080");
    expect(s.region).toBeUndefined();
    const e = validationError(() => resolveSettings({ env: { MDE_API_URL: "http://mde.example.com" } }));
    expect(e.message).toMatch(/mde:apiUrl \/ MDE_API_URL: plain http is only allowed for a local emulator/);
  });
});

describe("resolveSettings: sources and validation", () => {
  it("prefers stack config over the environment, key by key", () => {
    const s = resolveSettings({
      config: configOf({ region: "uk", clientId: CLIENT }),
      env: { MDE_REGION: "eu", AZURE_CLIENT_ID: "99999999-2222-3333-4444-555555555555", AZURE_TENANT_ID: TENANT, AZURE_CLIENT_SECRET: SECRET },
    });
    expect(s.apiUrl).toBe("https://uk.api.security.microsoft.com");
    expect(s.clientId).toBe(CLIENT);
    expect(s.tenantId).toBe(TENANT);
    expect(s.credential).toBe("clientSecret");
    expect(s.secrets.clientSecret).toBe(SECRET);
  });

  it("treats empty values as unset", () => {
    expect(resolveSettings({ config: configOf({ region: "" }), env: { MDE_REGION: " " } }).apiUrl).toBe("https://api.security.microsoft.com");
  });

  it("names the key and lists valid values", () => {
    const e = validationError(() => resolveSettings({ env: { MDE_REGION: "mars", MDE_CLOUD: "azure-china" } }));
    expect(e.issues).toEqual([
      'mde:cloud / MDE_CLOUD: unknown cloud; valid values: commercial, gcc, gccHigh, dod (got "azure-china" from MDE_CLOUD)',
      'mde:region / MDE_REGION: unknown region; valid values: us, eu, uk, au, swa, ina, aea (got "mars" from MDE_REGION)',
    ]);
    expect(e.message).toContain("Invalid MDE settings");
  });

  it("rejects a region in a cloud that has none", () => {
    const e = validationError(() => resolveSettings({ env: { MDE_CLOUD: "gcc", MDE_REGION: "us" } }));
    expect(e.message).toMatch(/mde:region \/ MDE_REGION: regions exist only in the commercial cloud/);
  });

  it("requires tenant and client ids with a client secret, without ever echoing the secret", () => {
    const e = validationError(() => resolveSettings({ config: configOf({ clientSecret: SECRET, tenantId: "not a tenant!" }), env: {} }));
    expect(e.message).toMatch(/mde:tenantId \/ AZURE_TENANT_ID: must be a tenant GUID.* \(got "not a tenant!" from mde:tenantId\)/);
    expect(e.message).toMatch(/mde:clientId \/ AZURE_CLIENT_ID: required for the clientSecret credential/);
    expect(e.message).not.toContain(SECRET);
    expect(e.issues.join("\n")).not.toContain(SECRET);
  });

  it("requires an https authority host", () => {
    const e = validationError(() => resolveSettings({ env: { AZURE_AUTHORITY_HOST: "http://127.0.0.1:1" } }));
    expect(e.message).toMatch(/mde:authorityHost \/ AZURE_AUTHORITY_HOST: the authority host must be an https:\/\/ URL/);
  });

  it("reads rate limits as JSON: timeScale and per-family overrides over the documented defaults", () => {
    const s = resolveSettings({ env: { MDE_RATE_LIMITS: '{"timeScale": 60, "packageUri": {"perMinute": 4}}' } });
    expect(s.rateLimits.timeScale).toBe(60);
    expect(s.rateLimits.quotas.packageUri).toEqual({ perMinute: 4, perHour: 120 });
    expect(s.rateLimits.quotas.read).toEqual({ perMinute: 100, perHour: 1500 });
  });

  it("explains malformed rate limits", () => {
    expect(validationError(() => resolveSettings({ env: { MDE_RATE_LIMITS: "{timeScale: 60" } })).message).toMatch(/MDE_RATE_LIMITS: must be JSON/);
    const e = validationError(() => resolveSettings({ config: configOf({ rateLimits: '{"collect": {"perMinute": 0}, "bogus": 1}' }) }));
    expect(e.message).toMatch(/mde:rateLimits \/ MDE_RATE_LIMITS: collect\.perMinute: Too small.*; Unrecognized key: "bogus"/);
    expect(e.issues).toHaveLength(1);
  });

  it("rejects an unknown credential kind, listing the valid ones", () => {
    const e = validationError(() => resolveSettings({ env: { MDE_CREDENTIAL: "password" } }));
    expect(e.message).toMatch(/mde:credential \/ MDE_CREDENTIAL: unknown credential kind; valid values: auto, clientSecret, clientCertificate, workloadIdentity, managedIdentity, azureCli, default/);
  });

  it("chooses workload identity when a federated token file is given (GitHub Actions OIDC)", () => {
    const s = resolveSettings({ env: { AZURE_TENANT_ID: TENANT, AZURE_CLIENT_ID: CLIENT, AZURE_FEDERATED_TOKEN_FILE: "/var/run/token" } });
    expect(s.credential).toBe("workloadIdentity");
  });
});

describe("secrets and settingsKey", () => {
  const env = { AZURE_TENANT_ID: TENANT, AZURE_CLIENT_ID: CLIENT, AZURE_CLIENT_SECRET: SECRET };

  it("keeps the secret out of JSON and inspect output", () => {
    const s = resolveSettings({ env });
    expect(JSON.stringify(s)).not.toContain(SECRET);
    expect(inspect(s, { depth: 10, showHidden: false })).not.toContain(SECRET);
  });

  it("is stable, secret-free, and differs per tenant, app and endpoint", () => {
    const a = settingsKey(resolveSettings({ env }));
    expect(settingsKey(resolveSettings({ env }))).toBe(a);
    expect(a).toMatch(/^mde-[0-9a-f]{24}$/);
    expect(a).not.toContain(SECRET);
    expect(settingsKey(resolveSettings({ env: { ...env, AZURE_CLIENT_SECRET: "another-secret-value" } }))).toBe(a);
    expect(settingsKey(resolveSettings({ env: { ...env, AZURE_TENANT_ID: "contoso.onmicrosoft.com" } }))).not.toBe(a);
    expect(settingsKey(resolveSettings({ env: { ...env, MDE_REGION: "eu" } }))).not.toBe(a);
  });
});
