/**
 * Resolves where and how to call MDE from Pulumi stack config (namespace `mde`) and the
 * environment, with stack config winning key by key.
 *
 * Why both: config is per stack and can hold secrets encrypted (`pulumi config set --secret
 * mde:clientSecret`); the environment is what CI (GitHub OIDC, AZURE_* variables) provides and
 * still works at `destroy` time after credentials rotate. Everything is validated once, here, so a
 * typo fails before any call with a message that names the key and the valid values, and never
 * echoes a secret.
 */
import { createHash } from "node:crypto";
import { CLOUD_ENDPOINTS, type MdeCloud, type MdeRegion } from "./endpoints";
import { MdeValidationError } from "./errors";
import type { ApiFamily, FamilyQuota } from "./quotas";
import type { LedgerLocation } from "./ledger/location";
import { type CredentialKind, SETTING_KEYS, type SettingName, stackConfigKey, validateSettings } from "./settingsSchema";

export type { CredentialKind } from "./settingsSchema";

/** Credentials, kept apart and hidden from `JSON.stringify` and `console.log`. */
export interface SettingsSecrets {
  readonly clientSecret?: string;
  readonly clientCertificatePassword?: string;
}

export interface MdeSettings {
  /** API base URL without trailing slash, e.g. `https://api.security.microsoft.com`. */
  apiUrl: string;
  cloud: MdeCloud;
  region?: MdeRegion;
  tokenScope: string;
  /** Entra ID host tokens come from: the cloud's, or the explicit override. */
  authorityHost: string;
  /** True when `authorityHost` was set explicitly: instance discovery must then be off. */
  authorityHostOverridden: boolean;
  tenantId?: string;
  clientId?: string;
  credential: Exclude<CredentialKind, "auto">;
  clientCertificatePath?: string;
  federatedTokenFile?: string;
  rateLimits: { timeScale: number; quotas: Record<ApiFamily, FamilyQuota> };
  /** The shared quota ledger (`mde:quotaLedger`); undefined: this process's own windows. */
  quotaLedger?: LedgerLocation;
  quotaLedgerFallback: "error" | "local";
  secrets: SettingsSecrets;
}

export interface SettingsSources {
  /** Reads a key of the `mde` stack-config namespace, given without the namespace (`apiUrl`). */
  config?: (key: string) => string | undefined;
  /** @default process.env */
  env?: Record<string, string | undefined>;
}

/** Reads, validates and normalises the settings; throws {@link MdeValidationError} listing every problem. */
export function resolveSettings(sources: SettingsSources = {}): MdeSettings {
  const v = validated(readSettings(sources));
  const endpoints = CLOUD_ENDPOINTS[v.cloud];
  const secrets: SettingsSecrets = hideSecrets({
    clientSecret: v.clientSecret,
    clientCertificatePassword: v.clientCertificatePassword,
  });
  return {
    apiUrl: v.apiUrl,
    cloud: v.cloud,
    region: v.region,
    tokenScope: v.tokenScope ?? endpoints.tokenScope,
    authorityHost: v.authorityHost ?? endpoints.loginHost,
    authorityHostOverridden: v.authorityHost !== undefined,
    tenantId: v.tenantId,
    clientId: v.clientId,
    credential: v.credential,
    clientCertificatePath: v.clientCertificatePath,
    federatedTokenFile: v.federatedTokenFile,
    rateLimits: v.rateLimits,
    quotaLedger: v.quotaLedger,
    quotaLedgerFallback: v.quotaLedgerFallback,
    secrets,
  };
}

/**
 * Checks the quota ledger's settings alone, for `check` (which `pulumi preview` calls): a
 * malformed `mde:quotaLedger` fails the preview, saying what to fix, while settings only `up`
 * needs (credentials CI provides at run time) are left to it. Throws {@link MdeValidationError}.
 */
export function checkQuotaLedgerSettings(sources: SettingsSources = {}): void {
  const raw = readSettings(sources);
  validated({ quotaLedger: raw.quotaLedger, quotaLedgerFallback: raw.quotaLedgerFallback });
}

type RawSettings = Parameters<typeof validateSettings>[0];

/** Each setting's value and where it came from: stack config wins over the environment, key by key. */
function readSettings(sources: SettingsSources): RawSettings {
  const env = sources.env ?? process.env;
  const raw: RawSettings = {};
  for (const [name, key] of Object.entries(SETTING_KEYS) as [SettingName, (typeof SETTING_KEYS)[SettingName]][]) {
    const fromConfig = sources.config?.(key.config);
    if (fromConfig !== undefined && fromConfig.trim() !== "") {
      raw[name] = { value: fromConfig, from: stackConfigKey(name) };
      continue;
    }
    const fromEnv = env[key.env];
    if (fromEnv !== undefined && fromEnv.trim() !== "") raw[name] = { value: fromEnv, from: key.env };
  }
  return raw;
}

function validated(raw: RawSettings) {
  const result = validateSettings(raw);
  if (result.ok) return result.value;
  throw new MdeValidationError(`Invalid MDE settings:\n${result.issues.map((i) => `  - ${i}`).join("\n")}`, result.issues, {
    knownSecrets: [raw.clientSecret?.value, raw.clientCertificatePassword?.value],
  });
}

/** Makes secret fields non-enumerable and opaque to JSON and `util.inspect`, so a stray log cannot print them. */
function hideSecrets(values: { clientSecret?: string; clientCertificatePassword?: string }): SettingsSecrets {
  const target = {};
  for (const [k, val] of Object.entries(values)) {
    if (val !== undefined) Object.defineProperty(target, k, { value: val, enumerable: false });
  }
  Object.defineProperty(target, "toJSON", { value: () => "[REDACTED]", enumerable: false });
  Object.defineProperty(target, Symbol.for("nodejs.util.inspect.custom"), { value: () => "[REDACTED]", enumerable: false });
  return target as SettingsSecrets;
}

/**
 * A stable key for "the same MDE tenant, app and endpoint": shared clients, token caches and rate
 * limiters are looked up by it. It is a hash of the non-secret settings only.
 */
export function settingsKey(settings: MdeSettings): string {
  const identity = {
    apiUrl: settings.apiUrl,
    cloud: settings.cloud,
    tokenScope: settings.tokenScope,
    authorityHost: settings.authorityHost,
    tenantId: settings.tenantId ?? null,
    clientId: settings.clientId ?? null,
    credential: settings.credential,
    clientCertificatePath: settings.clientCertificatePath ?? null,
    federatedTokenFile: settings.federatedTokenFile ?? null,
    rateLimits: settings.rateLimits,
    // Only when set, so the keys (and the shared clients) of everyone else stay what they were.
    ...(settings.quotaLedger ? { quotaLedger: settings.quotaLedger.text, quotaLedgerFallback: settings.quotaLedgerFallback } : {}),
  };
  return `mde-${createHash("sha256").update(JSON.stringify(identity)).digest("hex").slice(0, 24)}`;
}
