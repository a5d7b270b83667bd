/**
 * Turns a non-2xx MDE reply into the matching typed error, with a message that says what to do.
 * MDE's error body is `{"error": {"code", "message", "target"}}` (common-errors.md); `target` is
 * the correlation id that Microsoft support asks for.
 */
import {
  MdeAlreadyRunningError,
  MdeError,
  type MdeErrorDetails,
  MdeForbiddenError,
  MdeNotFoundError,
  MdeThrottledError,
  MdeUnauthorizedError,
} from "./errors";
import type { ApiFamily } from "./quotas";
import { parseRetryAfterMs } from "./retryAfter";
import { ErrorBodySchema } from "./schemas";

/** The code MDE documents for "an action of this kind is already running" (run-live-response.md). */
export const ALREADY_RUNNING_CODE = "ActiveRequestAlreadyExists";

/** Message wordings seen for the same condition without that code (M365 issue #5905, unrestrict docs). */
const ALREADY_RUNNING_TEXT = /already (in progress|running|exists)|active request/i;

/** The least-privileged application permission each API family needs, for 403 advice. */
export const PERMISSION_BY_FAMILY: Record<ApiFamily, string> = {
  collect: "Machine.CollectForensics",
  cancel: "Machine.CollectForensics",
  read: "Machine.Read.All",
  packageUri: "Machine.Read.All",
};

export interface ErrorContext {
  method: string;
  /** Path without query. */
  path: string;
  family: ApiFamily;
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: unknown;
  nowMs: number;
  knownSecrets?: readonly (string | undefined)[];
}

/** Splits MDE's "Missing application roles. API required roles: A,B, application roles: C." */
export function parseRoles(message: string): { required: string[]; granted: string[] } | undefined {
  const m = /required (?:application |user )?(?:roles|permissions|scopes):\s*(.*?),\s*(?:application |user )?(?:roles|permissions|scopes):\s*(.*?)\s*$/i.exec(
    message,
  );
  if (!m) return undefined;
  const list = (s: string) =>
    s
      .replace(/\.$/, "")
      .split(/[,;]/)
      .map((r) => r.trim())
      .filter((r) => r.length > 0);
  return { required: list(m[1]), granted: list(m[2]) };
}

/** Builds the typed error for a non-2xx reply. */
export function toMdeError(ctx: ErrorContext): MdeError {
  const parsed = ErrorBodySchema.safeParse(ctx.body);
  const code = parsed.success ? parsed.data.error.code : undefined;
  const mdeMessage = (parsed.success ? parsed.data.error.message : undefined) ?? (typeof ctx.body === "string" ? ctx.body.slice(0, 300) : "");
  const correlationId = (parsed.success ? parsed.data.error.target : undefined) ?? undefined;
  const details: MdeErrorDetails = {
    status: ctx.status,
    code,
    correlationId,
    method: ctx.method,
    path: ctx.path,
    knownSecrets: ctx.knownSecrets,
  };
  const what = `${ctx.method} ${ctx.path} failed with ${ctx.status}${code ? ` ${code}` : ""}${mdeMessage ? `: ${mdeMessage.replace(/\s+$/, "")}` : ""}`;
  const support = correlationId ? ` (MDE correlation id ${correlationId}: quote it to Microsoft support)` : "";

  switch (ctx.status) {
    case 400:
      if (code === ALREADY_RUNNING_CODE || ALREADY_RUNNING_TEXT.test(mdeMessage)) {
        return new MdeAlreadyRunningError(
          `${what}. An action of this kind is already running on the machine: wait for it to finish, or adopt it by listing the machine's Pending/InProgress actions${support}`,
          details,
        );
      }
      return new MdeError(`${what}. MDE rejected the request as invalid; check the machine id and comment${support}`, details);
    case 401:
      return new MdeUnauthorizedError(
        `${what}. MDE did not accept the access token: check that tenantId (mde:tenantId / AZURE_TENANT_ID) is the tenant of the Defender instance and that the token scope (mde:tokenScope / MDE_TOKEN_SCOPE) matches the cloud${support}`,
        details,
      );
    case 403:
      return forbidden(ctx, what, support, details, mdeMessage);
    case 404:
      return new MdeNotFoundError(
        `${what}. Check the id; MDE only returns devices seen within the retention period, and a package link exists only once the collection has succeeded${support}`,
        details,
      );
    case 429: {
      const retryAfterMs = parseRetryAfterMs(ctx.headers["retry-after"], ctx.nowMs);
      const when = retryAfterMs === undefined ? "" : ` MDE asks to retry after ${Math.ceil(retryAfterMs / 1000)} s.`;
      return new MdeThrottledError(
        `${what}. MDE's rate limit for this API was exceeded.${when} Fewer concurrent resources, or mde:rateLimits set to your tenant's quota, avoid this${support}`,
        { ...details, retryAfterMs },
      );
    }
    default:
      return new MdeError(
        `${what}.${ctx.status >= 500 ? " MDE had an internal problem; retrying later usually helps" : ""}${support}`,
        details,
      );
  }
}

function forbidden(ctx: ErrorContext, what: string, support: string, details: MdeErrorDetails, mdeMessage: string): MdeForbiddenError {
  const roles = parseRoles(mdeMessage);
  const required = roles?.required ?? [];
  const granted = roles?.granted ?? [];
  const missing = required.filter((r) => !granted.includes(r));
  const need = missing.length > 0 ? missing : [PERMISSION_BY_FAMILY[ctx.family]];
  const needText = need.length === 1 ? need[0] : `one of ${need.join(", ")}`;
  const has = roles ? ` (the token has: ${granted.length > 0 ? granted.join(", ") : "no application roles"})` : "";
  const advice =
    ` The app registration lacks the application permission ${needText}${has}.` +
    ` Grant it in Microsoft Entra ID: App registrations → your app → API permissions → Add a permission →` +
    ` APIs my organization uses → WindowsDefenderATP → Application permissions → ${need[0]}, then "Grant admin consent", and run again.` +
    ` With delegated sign-in the user also needs the matching Defender portal role and access to the device group.`;
  return new MdeForbiddenError(`${what}.${advice}${support}`, { ...details, requiredRoles: required, grantedRoles: granted });
}
