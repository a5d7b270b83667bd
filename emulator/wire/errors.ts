/**
 * One factory for every error the emulator answers with, in the wire format of the service that
 * would send it (like Azurite's StorageErrorFactory): MDE's `{"error":{code,message,target}}`
 * for `/api`, Entra's OAuth2 error JSON for the token endpoints, and the storage host's XML for
 * package downloads. Handlers throw; the server turns the throw into the reply.
 */
import { ErrorBodySchema } from "../../provider/api/schemas";
import { ForensicsError } from "../../provider/util/error";

/** An error the server answers with a reply of its own: its status and the extra headers. */
export abstract class HttpReplyError extends ForensicsError {
  constructor(
    readonly status: number,
    message: string,
    readonly headers: Record<string, string>,
  ) {
    super(message);
  }
}

/** An error reply in MDE's format. `target` (the correlation id) is filled in by the server. */
export class MdeHttpError extends HttpReplyError {
  override name = "MdeHttpError";
  /**
   * The message as the reply carries it. `message` is redacted like every error's, and MDE's own
   * words can look like a credential to the redactor ("…is not a bearer token"); the reply must
   * say them verbatim. They are the emulator's texts and what the client sent, never a secret.
   */
  readonly wireMessage: string;

  constructor(status: number, readonly code: string, message: string, headers: Record<string, string> = {}) {
    super(status, message, headers);
    this.wireMessage = message;
  }

  /** The wire body, validated against the shared schema so the client parses exactly this. */
  body(correlationId: string): unknown {
    return ErrorBodySchema.parse({ error: { code: this.code, message: this.wireMessage, target: correlationId } });
  }
}

/** A reply that is not in MDE's format (Entra JSON, storage XML) but is still an error; the reply is `payload`. */
export class RawHttpError extends HttpReplyError {
  override name = "RawHttpError";
  constructor(status: number, readonly contentType: string, readonly payload: string, headers: Record<string, string> = {}) {
    super(status, `${status} ${payload.slice(0, 200)}`, headers);
  }
}

/** The MDE errors the emulator sends, named after their documented codes (mde-api.md §8). */
export const MdeErrors = {
  unauthorized: (message: string) =>
    new MdeHttpError(401, "Unauthorized", message, { "WWW-Authenticate": 'Bearer error="invalid_token"' }),
  forbidden: (message: string) => new MdeHttpError(403, "Forbidden", message),
  missingRoles: (required: readonly string[], held: readonly string[]) =>
    new MdeHttpError(
      403,
      "Forbidden",
      `Missing application roles. API required roles: ${required.join(",")}, application roles: ${held.join(",")}.`,
    ),
  machineNotFound: (key: string) => new MdeHttpError(404, "ResourceNotFound", `Machine ${key} was not found`),
  actionNotFound: (id: string) => new MdeHttpError(404, "ResourceNotFound", `Machine action ${id} was not found`),
  noMachines: () => new MdeHttpError(404, "ResourceNotFound", "No recent machines were found"),
  packageNotReady: (id: string, status: string) =>
    new MdeHttpError(
      404,
      "ResourceNotFound",
      `Investigation package for machine action ${id} is not available (action status: ${status})`,
    ),
  routeNotFound: (path: string) =>
    new MdeHttpError(404, "NotFound", `No HTTP resource was found that matches the request URI '${path}'.`),
  invalidRequestBody: (message: string) => new MdeHttpError(400, "InvalidRequestBody", message),
  unsupportedMediaType: (got: string) =>
    new MdeHttpError(415, "UnsupportedMediaType", `The request entity's media type '${got}' is not supported for this resource.`),
  activeRequestExists: () => new MdeHttpError(400, "ActiveRequestAlreadyExists", "Action is already in progress"),
  notCancellable: (id: string, status: string) =>
    new MdeHttpError(400, "BadRequest", `Machine action ${id} is in final status ${status} and cannot be cancelled`),
  odata: (message: string) => new MdeHttpError(400, "ODataError", message),
  invalidInput: (message: string) => new MdeHttpError(400, "InvalidInput", message),
  /**
   * `emulatedRetryAfterMs`, when given, is also sent as `x-emulator-retry-after-ms`: Retry-After
   * is whole real seconds, which at a time scale of N is N emulated seconds of rounding; clients
   * modelling a peer that sleeps Retry-After (the benchmark's baselines) need the emulated wait.
   */
  tooManyRequests: (max: number, windowSeconds: number, retryAfterSeconds: number, emulatedRetryAfterMs?: number) =>
    new MdeHttpError(
      429,
      "TooManyRequests",
      `API calls quota exceeded! maximum allowed ${max} per ${formatWindow(windowSeconds)}`,
      {
        "Retry-After": String(retryAfterSeconds),
        ...(emulatedRetryAfterMs === undefined ? {} : { "x-emulator-retry-after-ms": String(Math.ceil(emulatedRetryAfterMs)) }),
      },
    ),
  internal: (message = "An internal server error occurred") => new MdeHttpError(500, "InternalServerError", message),
  unavailable: () => new MdeHttpError(503, "ServiceUnavailable", "The service is temporarily unavailable"),
};

/** `60` → `00:01:00`, the .NET TimeSpan text MDE puts in quota messages. */
function formatWindow(seconds: number): string {
  const s = Math.round(seconds);
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${pad(Math.floor(s / 3600))}:${pad(Math.floor((s % 3600) / 60))}:${pad(s % 60)}`;
}

/**
 * Entra ID's OAuth2 error body. MSAL surfaces `error`, `error_description` and `error_codes`,
 * so those are reproduced (B5 of pulumi-dynamic-providers.md); the trace and correlation ids are
 * there because real replies always carry them.
 */
export function entraError(status: number, error: string, aadsts: number, text: string, correlationId: string): RawHttpError {
  const payload = {
    error,
    error_description: `AADSTS${aadsts}: ${text} Trace ID: ${correlationId} Correlation ID: ${correlationId} Timestamp: ${new Date().toISOString()}`,
    error_codes: [aadsts],
    timestamp: new Date().toISOString().replace("T", " ").replace(/\.\d+Z$/, "Z"),
    trace_id: correlationId,
    correlation_id: correlationId,
    error_uri: `https://login.microsoftonline.com/error?code=${aadsts}`,
  };
  return new RawHttpError(status, "application/json; charset=utf-8", JSON.stringify(payload));
}

/** The storage host's answer to a bad or expired download token: 403 with an XML body. */
export function storageAuthError(message: string): RawHttpError {
  const xml =
    `<?xml version="1.0" encoding="utf-8"?><Error><Code>AuthenticationFailed</Code>` +
    `<Message>Server failed to authenticate the request. ${escapeXml(message)}</Message></Error>`;
  return new RawHttpError(403, "application/xml", xml);
}

/** The storage host's 404 for a package it does not hold. */
export function storageNotFound(): RawHttpError {
  const xml =
    `<?xml version="1.0" encoding="utf-8"?><Error><Code>BlobNotFound</Code>` +
    `<Message>The specified blob does not exist.</Message></Error>`;
  return new RawHttpError(404, "application/xml", xml);
}

function escapeXml(s: string): string {
  return s.replace(/[<>&'"]/g, (c) => `&#${c.charCodeAt(0)};`);
}
