/**
 * Where MDE lives in each Microsoft cloud, and which token audience it accepts there
 * (mde-api.md §1). Kept as data so a moved endpoint is a one-line change.
 */
import { InvalidArgumentError } from "../util/error";

export type MdeCloud = "commercial" | "gcc" | "gccHigh" | "dod";
export const MDE_CLOUDS: readonly MdeCloud[] = ["commercial", "gcc", "gccHigh", "dod"];

/** Geographic hosts of the commercial cloud: `https://<region>.api.security.microsoft.com`. */
export type MdeRegion = "us" | "eu" | "uk" | "au" | "swa" | "ina" | "aea";
export const MDE_REGIONS: readonly MdeRegion[] = ["us", "eu", "uk", "au", "swa", "ina", "aea"];

/** The commercial host of the current docs (exposed-apis-list.md); routes to the tenant's geo. */
export const COMMERCIAL_API_URL = "https://api.security.microsoft.com";
/** The host most per-method doc pages still show; it keeps working. Set it as `apiUrl` to use it. */
export const LEGACY_COMMERCIAL_API_URL = "https://api.securitycenter.microsoft.com";

/** Entra ID sign-in hosts. */
export const PUBLIC_LOGIN_HOST = "https://login.microsoftonline.com";
export const US_GOV_LOGIN_HOST = "https://login.microsoftonline.us";

/** The audience Microsoft documents for commercial tokens (and, per community code, GCC). */
export const COMMERCIAL_TOKEN_SCOPE = "https://api.securitycenter.microsoft.com/.default";
/**
 * GCC High / DoD audience. **Not documented by Microsoft**: this is what community integrations
 * use (demisto MicrosoftApiModule). Override with `mde:tokenScope` / `MDE_TOKEN_SCOPE` if your
 * tenant expects another (some scripts use `https://api-gov.securitycenter.microsoft.us/.default`).
 */
export const US_GOV_TOKEN_SCOPE = "https://securitycenter.onmicrosoft.us/windowsatpservice/.default";

export interface CloudEndpoints {
  apiUrl: string;
  loginHost: string;
  tokenScope: string;
  /** Whether `<region>.` hosts exist in this cloud. */
  hasRegions: boolean;
}

export const CLOUD_ENDPOINTS: Readonly<Record<MdeCloud, Readonly<CloudEndpoints>>> = {
  commercial: { apiUrl: COMMERCIAL_API_URL, loginHost: PUBLIC_LOGIN_HOST, tokenScope: COMMERCIAL_TOKEN_SCOPE, hasRegions: true },
  // GCC signs in on the public cloud's login host but has its own API host (gov.md § API).
  gcc: { apiUrl: "https://api-gcc.securitycenter.microsoft.us", loginHost: PUBLIC_LOGIN_HOST, tokenScope: COMMERCIAL_TOKEN_SCOPE, hasRegions: false },
  gccHigh: { apiUrl: "https://api-gov.securitycenter.microsoft.us", loginHost: US_GOV_LOGIN_HOST, tokenScope: US_GOV_TOKEN_SCOPE, hasRegions: false },
  dod: { apiUrl: "https://api-gov.securitycenter.microsoft.us", loginHost: US_GOV_LOGIN_HOST, tokenScope: US_GOV_TOKEN_SCOPE, hasRegions: false },
};

/** The API base URL for a cloud and optional region. */
export function apiUrlFor(cloud: MdeCloud, region?: MdeRegion): string {
  const endpoints = CLOUD_ENDPOINTS[cloud];
  if (!region) return endpoints.apiUrl;
  if (!endpoints.hasRegions) throw new InvalidArgumentError(`regions exist only in the commercial cloud, not in ${cloud}`);
  return `https://${region}.api.security.microsoft.com`;
}

/** Accepts the spellings people type (`GCC-High`, `gcc_high`, `DoD`) for a cloud name. */
export function parseCloud(value: string): MdeCloud | undefined {
  const folded = value.trim().toLowerCase().replace(/[-_\s]/g, "");
  return MDE_CLOUDS.find((c) => c.toLowerCase() === folded) ?? (folded === "public" || folded === "global" ? "commercial" : undefined);
}

/** Hosts a plain-http API URL may point at: only the local machine (an emulator), never a network. */
export function isLoopbackHost(hostname: string): boolean {
  const h = hostname.replace(/^\[|\]$/g, "").toLowerCase();
  return h === "localhost" || h === "::1" || /^127(\.\d{1,3}){3}$/.test(h);
}

/** The app id of WindowsDefenderATP, the Defender API's app registration: a token may name it as its audience. */
export const MDE_APP_ID = "fc780465-2017-40d4-a0c5-307022471b92";
/**
 * The URIs a commercial Defender API token may carry as its audience (mde-api.md §1): the legacy
 * and current hosts, the older windows.com host and the app URI. One list, so the emulator's
 * token endpoint and its bearer checks accept exactly the audiences the service does.
 */
export const MDE_AUDIENCE_URIS = [
  LEGACY_COMMERCIAL_API_URL,
  COMMERCIAL_API_URL,
  "https://api.securitycenter.windows.com",
  "https://securitycenter.onmicrosoft.com/windowsatpservice",
] as const;
/** Every audience the Defender API accepts: the URIs and the app id. */
export const MDE_TOKEN_AUDIENCES: readonly string[] = [...MDE_AUDIENCE_URIS, MDE_APP_ID];
