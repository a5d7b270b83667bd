import { redact } from "./redact";

/**
 * The only way the MDE client talks to humans. Libraries that `console.log` cannot be silenced
 * or routed (a Pulumi dynamic provider's stdout becomes untargeted diagnostics), so callers pass
 * a logger, and the default says nothing.
 */
export interface Logger {
  info(msg: string): void;
  warn(msg: string): void;
}

/** The default: library code is quiet unless its caller asks otherwise. */
export const silentLogger: Logger = {
  info: () => undefined,
  warn: () => undefined,
};

/**
 * Wraps `logger` so every line is passed through {@link redact} first; the client wraps whatever
 * it is given, so a caller's logger never sees a token, a secret or a download link's query.
 */
export function redactingLogger(logger: Logger, knownSecrets: readonly (string | undefined)[] = []): Logger {
  return {
    info: (msg) => logger.info(redact(msg, knownSecrets)),
    warn: (msg) => logger.warn(redact(msg, knownSecrets)),
  };
}
