/**
 * Its own module, importing only the zod-free error base (../util/error.ts, which imports only
 * ../util/redact.ts), because the package's `provider-runtime` entry exports it: its type
 * declarations must not pull in the provider's internals (and through them zod).
 */
import { ForensicsError } from "../util/error";

/** Pulumi's shape for "the resource exists but failed to initialise": the engine keeps id and outputs. */
export class ResourceInitError extends ForensicsError {
  override readonly name = "ResourceInitError";
  readonly reasons: string[];

  constructor(
    message: string,
    readonly id: string,
    readonly properties: Record<string, unknown>,
    reasons?: string[],
  ) {
    super(message);
    // The message as the base redacted it: a reason must not say what the message may not.
    this.reasons = reasons ?? [this.message];
  }
}
