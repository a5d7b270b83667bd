/**
 * The one base of every error this package throws: provider, sweep, evidence, verify and the
 * emulator. Its message is redacted here, once, so no subclass can put a token, a client secret
 * or a package download link into Pulumi diagnostics, CI logs or state (../util/redact.ts).
 *
 * Subclasses set `name` and add their own fields; they never redact again.
 */
import { redact } from "./redact";

export interface ForensicsErrorOptions {
  cause?: unknown;
  /** Values to remove verbatim (a configured client secret that a library might echo). */
  knownSecrets?: readonly (string | undefined)[];
}

export class ForensicsError extends Error {
  override name = "ForensicsError";

  constructor(message: string, options: ForensicsErrorOptions = {}) {
    super(redact(message, options.knownSecrets), options.cause === undefined ? undefined : { cause: options.cause });
  }
}

/** What went wrong, as a line: the message of an Error, or the thrown value itself. */
export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/**
 * A bad argument or option from the code calling this package (a time scale of 0, an unknown
 * region for a cloud without regions): a programming error, reported before any call.
 */
export class InvalidArgumentError extends ForensicsError {
  override name = "InvalidArgumentError";
}
