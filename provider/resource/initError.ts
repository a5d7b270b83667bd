/**
 * Its own module, without imports, because the package's `provider-runtime` entry exports it:
 * its type declarations must not pull in the provider's internals (and through them zod).
 */
/** Pulumi's shape for "the resource exists but failed to initialise": the engine keeps id and outputs. */
export class ResourceInitError extends Error {
  override readonly name = "ResourceInitError";
  constructor(
    message: string,
    readonly id: string,
    readonly properties: Record<string, unknown>,
    readonly reasons: string[] = [message],
  ) {
    super(message);
  }
}
