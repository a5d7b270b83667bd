/**
 * The settings' keys and their zod validation. Each key is checked on its own so one message can
 * list every problem, naming both spellings of the key (`mde:region / MDE_REGION`). Secret values
 * are never echoed; other values are, quoted, to make typos obvious.
 */
import { z } from "zod";
import { apiUrlFor, isLoopbackHost, MDE_CLOUDS, MDE_REGIONS, type MdeCloud, type MdeRegion, parseCloud } from "./endpoints";
import { API_FAMILIES, type ApiFamily, type FamilyQuota, MDE_QUOTAS } from "./quotas";
import { type LedgerLocation, parseLedgerLocation } from "./ledger/location";

export const CREDENTIAL_KINDS = ["auto", "clientSecret", "clientCertificate", "workloadIdentity", "managedIdentity", "azureCli", "default"] as const;
export type CredentialKind = (typeof CREDENTIAL_KINDS)[number];

/**
 * Every setting, by the prefix of its environment variable: `MDE_` for ours, `AZURE_` for those
 * @azure/identity reads as well, so the variables CI sets for Azure's tools configure this
 * provider too. The variable is the setting's name in upper snake case (`apiUrl` → MDE_API_URL,
 * `clientId` → AZURE_CLIENT_ID); its stack-config key is the name itself (`mde:apiUrl`).
 */
const MDE_SETTINGS = ["apiUrl", "cloud", "region", "tokenScope", "rateLimits", "credential", "quotaLedger", "quotaLedgerFallback"] as const;
const AZURE_SETTINGS = ["tenantId", "clientId", "clientSecret", "clientCertificatePath", "clientCertificatePassword", "federatedTokenFile", "authorityHost"] as const;
export type SettingName = (typeof MDE_SETTINGS)[number] | (typeof AZURE_SETTINGS)[number];

const upperSnake = (name: string) => name.replace(/[A-Z]/g, (c) => `_${c}`).toUpperCase();

/** Stack-config key (namespace `mde`) and environment variable of each setting. */
export const SETTING_KEYS = Object.fromEntries([
  ...MDE_SETTINGS.map((name) => [name, { config: name, env: `MDE_${upperSnake(name)}` }] as const),
  ...AZURE_SETTINGS.map((name) => [name, { config: name, env: `AZURE_${upperSnake(name)}` }] as const),
]) as Readonly<Record<SettingName, { readonly config: SettingName; readonly env: string }>>;

/** The stack-config key of a setting, namespace included: `mde:apiUrl`. */
export function stackConfigKey(name: SettingName): string {
  return `mde:${SETTING_KEYS[name].config}`;
}

/** Credentials: never echoed in messages, and stored as Pulumi secrets. */
export const SECRET_SETTINGS: ReadonlySet<SettingName> = new Set(["clientSecret", "clientCertificatePassword"]);

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const positiveInt = z.number().int().positive();
const QuotaOverride = z.strictObject({ perMinute: positiveInt.optional(), perHour: positiveInt.optional() });
const RateLimitsSchema = z.strictObject({
  timeScale: z.number().positive().optional(),
  collect: QuotaOverride.optional(),
  cancel: QuotaOverride.optional(),
  read: QuotaOverride.optional(),
  packageUri: QuotaOverride.optional(),
});

const JSON_EXAMPLE = `{"timeScale": 60} or {"collect": {"perMinute": 100, "perHour": 1500}}`;

/** One schema per setting; each turns the raw string into the normalised value or explains why not. */
const FIELD = {
  cloud: z.string().transform((s, ctx) => parseCloud(s) ?? (ctx.addIssue(`unknown cloud; valid values: ${MDE_CLOUDS.join(", ")}`), z.NEVER)),
  region: z.string().toLowerCase().pipe(z.enum(MDE_REGIONS, { error: `unknown region; valid values: ${MDE_REGIONS.join(", ")}` })),
  apiUrl: z
    .url({ protocol: /^https?$/, error: "must be an http(s) URL such as https://api.security.microsoft.com" })
    .refine((u) => u.startsWith("https://") || isLoopbackHost(new URL(u).hostname), "plain http is only allowed for a local emulator (127.0.0.1, localhost); use https")
    .refine((u) => !new URL(u).search && !new URL(u).hash, "must not contain a query string or fragment"),
  tokenScope: z.string().regex(/^\S+$/, "must be a single scope such as https://api.securitycenter.microsoft.com/.default"),
  authorityHost: z.url({ protocol: /^https$/, error: "the authority host must be an https:// URL" }),
  tenantId: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9.-]*$/, "must be a tenant GUID or a domain such as contoso.onmicrosoft.com"),
  clientId: z.string().regex(GUID, "must be the application (client) id, a GUID"),
  secret: z.string().min(1),
  path: z.string().min(1),
  credential: z.enum(CREDENTIAL_KINDS, { error: `unknown credential kind; valid values: ${CREDENTIAL_KINDS.join(", ")}` }),
  rateLimits: z
    .string()
    .transform((s, ctx) => {
      try {
        return JSON.parse(s) as unknown;
      } catch {
        ctx.addIssue(`must be JSON, e.g. ${JSON_EXAMPLE}`);
        return z.NEVER;
      }
    })
    .pipe(RateLimitsSchema),
  quotaLedger: z.string().transform((s, ctx) => {
    const parsed = parseLedgerLocation(s);
    return parsed.ok ? parsed.value : (ctx.addIssue(parsed.problem), z.NEVER);
  }),
  quotaLedgerFallback: z.enum(["error", "local"], { error: "must be error (stop when the ledger is unavailable, the default) or local (go on with this runner's own windows and MDE's 429s)" }),
};

export interface ValidSettings {
  apiUrl: string;
  cloud: MdeCloud;
  region?: MdeRegion;
  tokenScope?: string;
  authorityHost?: string;
  tenantId?: string;
  clientId?: string;
  credential: Exclude<CredentialKind, "auto">;
  clientSecret?: string;
  clientCertificatePassword?: string;
  clientCertificatePath?: string;
  federatedTokenFile?: string;
  rateLimits: { timeScale: number; quotas: Record<ApiFamily, FamilyQuota> };
  quotaLedger?: LedgerLocation;
  quotaLedgerFallback: "error" | "local";
}

type Raw = Partial<Record<SettingName, { value: string; from: string }>>;

/** Validates raw strings; returns every issue rather than stopping at the first. */
export function validateSettings(raw: Raw): { ok: true; value: ValidSettings } | { ok: false; issues: string[] } {
  const issues: string[] = [];
  const label = (name: SettingName) => `${stackConfigKey(name)} / ${SETTING_KEYS[name].env}`;
  const check = <T>(name: SettingName, schema: z.ZodType<T>): T | undefined => {
    const entry = raw[name];
    if (!entry) return undefined;
    const r = schema.safeParse(SECRET_SETTINGS.has(name) ? entry.value : entry.value.trim());
    if (r.success) return r.data;
    const problems = r.error.issues.map((i) => `${i.path.length > 0 ? `${i.path.join(".")}: ` : ""}${i.message}`);
    const got = SECRET_SETTINGS.has(name) ? "" : ` (got "${entry.value.slice(0, 200)}" from ${entry.from})`;
    issues.push(`${label(name)}: ${problems.join("; ")}${got}`);
    return undefined;
  };

  const cloud = check("cloud", FIELD.cloud) ?? "commercial";
  const region = check("region", FIELD.region);
  const apiUrl = check("apiUrl", FIELD.apiUrl);
  if (region && !apiUrl && cloud !== "commercial") {
    issues.push(`${label("region")}: regions exist only in the commercial cloud, not in ${cloud}; unset it or set ${label("cloud")} to commercial`);
  }
  const tokenScope = check("tokenScope", FIELD.tokenScope);
  const authorityHost = check("authorityHost", FIELD.authorityHost);
  const tenantId = check("tenantId", FIELD.tenantId);
  const clientId = check("clientId", FIELD.clientId);
  const clientSecret = check("clientSecret", FIELD.secret);
  const clientCertificatePassword = check("clientCertificatePassword", z.string());
  const clientCertificatePath = check("clientCertificatePath", FIELD.path);
  const federatedTokenFile = check("federatedTokenFile", FIELD.path);
  const requested = check("credential", FIELD.credential) ?? "auto";
  const limits = check("rateLimits", FIELD.rateLimits);
  const quotaLedger = check("quotaLedger", FIELD.quotaLedger);
  const quotaLedgerFallback = check("quotaLedgerFallback", FIELD.quotaLedgerFallback) ?? "error";

  const credential: ValidSettings["credential"] =
    requested !== "auto" ? requested : clientSecret ? "clientSecret" : clientCertificatePath ? "clientCertificate" : federatedTokenFile ? "workloadIdentity" : "default";
  const needs: Partial<Record<ValidSettings["credential"], SettingName[]>> = {
    clientSecret: ["tenantId", "clientId", "clientSecret"],
    clientCertificate: ["tenantId", "clientId", "clientCertificatePath"],
    workloadIdentity: ["tenantId", "clientId", "federatedTokenFile"],
  };
  for (const name of needs[credential] ?? []) {
    if (!raw[name]) issues.push(`${label(name)}: required for the ${credential} credential`);
  }

  if (issues.length > 0) return { ok: false, issues };
  const quotas = Object.fromEntries(API_FAMILIES.map((f) => [f, { ...MDE_QUOTAS[f], ...limits?.[f] }])) as Record<ApiFamily, FamilyQuota>;
  return {
    ok: true,
    value: {
      apiUrl: (apiUrl ?? apiUrlFor(cloud, region)).replace(/\/+$/, ""),
      cloud,
      region: apiUrl ? undefined : region,
      tokenScope,
      authorityHost: authorityHost?.replace(/\/+$/, ""),
      tenantId,
      clientId,
      credential,
      clientSecret,
      clientCertificatePassword,
      clientCertificatePath,
      federatedTokenFile,
      rateLimits: { timeScale: limits?.timeScale ?? 1, quotas },
      quotaLedger,
      quotaLedgerFallback,
    },
  };
}
