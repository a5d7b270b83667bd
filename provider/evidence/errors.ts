/**
 * Errors of evidence handling. Each says what went wrong *and what the user can do about it*,
 * because it ends up, wrapped once by the resource, as the only line a responder sees in
 * `pulumi up`. Messages are redacted on construction (by the base, ForensicsError): the download
 * link's query string is the credential, and an error that quotes it would leak it into CI logs
 * and Pulumi state. Causes are redacted here, as they can carry the link in their own fields.
 */
import { ForensicsError, type ForensicsErrorOptions } from "../util/error";
import { redact } from "../util/redact";

/** How a failed step should be handled by the retry loop. */
export type EvidenceErrorKind =
  /** The directory cannot hold evidence (preflight). Not retried. */
  | "directory"
  /** The storage host refused the link (403/404) or it is past its lifetime: ask for a new one. */
  | "linkExpired"
  /** Dropped connection, short body, 5xx, or bytes that do not form a valid ZIP: retry the same link. */
  | "transfer"
  /** The local disk refused a write (ENOSPC, EACCES, EROFS, ...). Not retried. */
  | "write"
  /** GetPackageUri refused (404: action not complete) or the reply was unusable. Not retried here. */
  | "packageUri"
  /** A final file already exists with other contents. Never overwritten. */
  | "conflict"
  /** The storage host answered something unexpected (3xx, 400, ...). Not retried. */
  | "http"
  /** A precondition of the call was not met (e.g. the collection has not Succeeded). */
  | "state"
  /** The signing key is missing, unreadable or of the wrong type. */
  | "key"
  /** The evidence destination is malformed, unreachable, unauthorised or cannot keep evidence immutable. */
  | "destination"
  /** A name the writer or reader would use is a symbolic link or not a regular file: never followed, never written. */
  | "unsafe";

export class EvidenceError extends ForensicsError {
  override name = "EvidenceError";

  constructor(
    readonly kind: EvidenceErrorKind,
    message: string,
    options: ForensicsErrorOptions = {},
  ) {
    super(message, { ...options, cause: options.cause === undefined ? undefined : redactCause(options.cause, options.knownSecrets) });
  }
}

/** Is `err` an {@link EvidenceError} of `kind`? */
export function isEvidenceError(err: unknown, kind?: EvidenceErrorKind): err is EvidenceError {
  return err instanceof EvidenceError && (kind === undefined || err.kind === kind);
}

/** The message of any thrown value, redacted; what goes into a wrapped message or a custody line. */
export function messageOf(err: unknown, knownSecrets: readonly (string | undefined)[] = []): string {
  const text = err instanceof Error ? err.message : String(err);
  const code = (err as { code?: unknown } | null)?.code;
  const withCode = typeof code === "string" && !text.includes(code) ? `${text} (${code})` : text;
  return redact(withCode, knownSecrets);
}

/**
 * Causes are kept for debugging, but an undici or fs error can carry the request URL in its own
 * fields; keep only a redacted message and the error code.
 */
function redactCause(cause: unknown, knownSecrets?: readonly (string | undefined)[]): Error {
  const copy = new Error(messageOf(cause, knownSecrets));
  const code = (cause as { code?: unknown } | null)?.code;
  if (typeof code === "string") (copy as Error & { code?: string }).code = code;
  return copy;
}

/** Explains a file-system error code in words a user can act on. */
export function describeFsError(err: unknown): string {
  const code = (err as { code?: string } | null)?.code;
  switch (code) {
    case "ENOSPC":
      return "the disk is full (ENOSPC); free space or choose another evidenceDirectory";
    case "EDQUOT":
      return "the disk quota is exhausted (EDQUOT); free space or choose another evidenceDirectory";
    case "EACCES":
    case "EPERM":
      return `permission denied (${code}); make the folder writable by the user running Pulumi`;
    case "EROFS":
      return "the file system is read-only (EROFS); choose another evidenceDirectory";
    case "ENOTDIR":
      return "a part of the path is a file, not a folder (ENOTDIR); fix evidenceDirectory";
    case "ENOENT":
      return "a folder on the path does not exist (ENOENT); was it removed or unmounted meanwhile?";
    case "EISDIR":
      return "a folder is in the way of the file (EISDIR); move it aside";
    case "ELOOP":
      return "it is a symbolic link (ELOOP), which evidence never is; keep it aside (it may show tampering) and remove it";
    default:
      return messageOf(err);
  }
}
