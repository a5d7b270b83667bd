/**
 * Typed errors for the MDE client.
 *
 * One base class carrying what a user or Microsoft support needs (HTTP status, MDE's own
 * `error.code`, the correlation id MDE puts in `error.target`, method and path), and one
 * subclass per situation a caller handles differently. The base, ForensicsError, redacts every
 * message on construction, so nothing built here can leak a token, a secret or a download link;
 * the fields that can carry one (path, validation issues) are redacted here.
 */
import { ForensicsError } from "../util/error";
import { redact } from "../util/redact";

/** Lets `isMdeError` recognise errors thrown by another loaded copy of this package. */
const MDE_ERROR_BRAND = Symbol.for("pulumi-mde-forensics/MdeError");

export type MdeErrorKind =
  | "http"
  | "alreadyRunning"
  | "notFound"
  | "forbidden"
  | "throttled"
  | "unauthorized"
  | "validation"
  | "network"
  | "unexpectedResponse";

export interface MdeErrorDetails {
  /** HTTP status, when a response was received. */
  status?: number;
  /** MDE's `error.code`, e.g. `ActiveRequestAlreadyExists`, `ResourceNotFound`. */
  code?: string;
  /** MDE's `error.target`: quote it to Microsoft support. */
  correlationId?: string;
  method?: string;
  /** Request path without query string (queries can carry credentials or user filters). */
  path?: string;
  cause?: unknown;
  /** Values to redact verbatim from the message (e.g. the configured client secret). */
  knownSecrets?: readonly (string | undefined)[];
}

/** Base class of every error the MDE client throws. */
export class MdeError extends ForensicsError {
  override name = "MdeError";
  readonly kind: MdeErrorKind = "http";
  readonly status?: number;
  readonly code?: string;
  readonly correlationId?: string;
  readonly method?: string;
  readonly path?: string;

  constructor(message: string, details: MdeErrorDetails = {}) {
    super(message, { cause: details.cause, knownSecrets: details.knownSecrets });
    this.status = details.status;
    this.code = details.code;
    this.correlationId = details.correlationId;
    this.method = details.method;
    this.path = details.path === undefined ? undefined : redact(details.path.replace(/[?#].*$/, ""));
    (this as unknown as Record<symbol, boolean>)[MDE_ERROR_BRAND] = true;
  }
}

/** A collection (or other action) is already running on the machine: MDE answers 400. */
export class MdeAlreadyRunningError extends MdeError {
  override name = "MdeAlreadyRunningError";
  override readonly kind = "alreadyRunning";
}

/** 404: unknown machine or action, or (for GetPackageUri) an action that has not completed. */
export class MdeNotFoundError extends MdeError {
  override name = "MdeNotFoundError";
  override readonly kind = "notFound";
}

/** 401, or no token could be obtained at all. */
export class MdeUnauthorizedError extends MdeError {
  override name = "MdeUnauthorizedError";
  override readonly kind = "unauthorized";
}

export interface MdeForbiddenDetails extends MdeErrorDetails {
  /** Roles MDE said the API requires (any one of them is enough). */
  requiredRoles?: readonly string[];
  /** Roles MDE said the token has. */
  grantedRoles?: readonly string[];
}

/** 403: the app registration (or user) lacks a permission, or a tenant feature is off. */
export class MdeForbiddenError extends MdeError {
  override name = "MdeForbiddenError";
  override readonly kind = "forbidden";
  readonly requiredRoles: readonly string[];
  readonly grantedRoles: readonly string[];
  /** The required roles the token lacks; granting any one of them fixes the call. */
  readonly missingRoles: readonly string[];

  constructor(message: string, details: MdeForbiddenDetails = {}) {
    super(message, details);
    this.requiredRoles = details.requiredRoles ?? [];
    this.grantedRoles = details.grantedRoles ?? [];
    this.missingRoles = this.requiredRoles.filter((r) => !this.grantedRoles.includes(r));
  }
}

/** 429: MDE's quota for this API was exceeded. */
export class MdeThrottledError extends MdeError {
  override name = "MdeThrottledError";
  override readonly kind = "throttled";
  /** From `Retry-After`; `undefined` when MDE sent none. */
  readonly retryAfterMs?: number;

  constructor(message: string, details: MdeErrorDetails & { retryAfterMs?: number } = {}) {
    super(message, details);
    this.retryAfterMs = details.retryAfterMs;
  }
}

/** Bad input or settings, found before any call was made. */
export class MdeValidationError extends MdeError {
  override name = "MdeValidationError";
  override readonly kind = "validation";
  /** One line per problem, each naming the setting or argument. */
  readonly issues: readonly string[];

  constructor(message: string, issues: readonly string[] = [], details: MdeErrorDetails = {}) {
    super(message, details);
    this.issues = issues.map((i) => redact(i, details.knownSecrets));
  }
}

/** The connection failed, timed out or was reset: no HTTP status was received. */
export class MdeNetworkError extends MdeError {
  override name = "MdeNetworkError";
  override readonly kind = "network";
  /** The socket-level code, e.g. `ECONNREFUSED`, `UND_ERR_SOCKET`, `UND_ERR_HEADERS_TIMEOUT`. */
  readonly networkCode?: string;
  /**
   * True when the request may have reached MDE (failure after it was sent): re-sending a
   * non-idempotent request could then create a duplicate.
   */
  readonly ambiguous: boolean;
  /** False for failures that retrying cannot fix, such as an untrusted TLS certificate. */
  readonly transient: boolean;

  constructor(message: string, details: MdeErrorDetails & { networkCode?: string; ambiguous: boolean; transient?: boolean }) {
    super(message, details);
    this.networkCode = details.networkCode;
    this.ambiguous = details.ambiguous;
    this.transient = details.transient ?? true;
  }
}

/** A 2xx reply that does not match the documented shape (named route and field). */
export class MdeUnexpectedResponseError extends MdeError {
  override name = "MdeUnexpectedResponseError";
  override readonly kind = "unexpectedResponse";
}

/** True for any MDE client error, including ones thrown by another loaded copy of this package. */
export function isMdeError(e: unknown): e is MdeError {
  return e instanceof MdeError || (typeof e === "object" && e !== null && (e as Record<symbol, unknown>)[MDE_ERROR_BRAND] === true);
}

/** True when `e` is an MDE client error of the given kind (works across package copies). */
export function isMdeErrorOfKind<K extends MdeErrorKind>(e: unknown, kind: K): e is MdeError & { kind: K } {
  return isMdeError(e) && e.kind === kind;
}
