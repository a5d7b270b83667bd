/**
 * The contract between the custody log (custodyLog.ts: what a line says) and an appender (how a
 * line reaches a location: a folder's in custodyFile.ts, a blob container's in blob/custody.ts).
 * Its own module so that neither side imports the other's implementation.
 */

/** A torn fragment the appender cut from the end of the log; its bytes go into a `repaired` line. */
export interface TornTail {
  bytes: number;
  sha256: string;
  /** The fragment's first 4 KiB, base64 (it need not be text). */
  base64: string;
}

/** The log as it will be once the new line(s) are appended: what a signed head's subject and line count name. */
export interface LogExtent {
  /** SHA-256 of the file's bytes through the new last line (its newline included). */
  fileSha256: string;
  lineCount: number;
}

/**
 * Extends one location's chain so that no other writer can slip a line in between: `linesFor`
 * gets the current last whole line (or undefined) and any torn fragment cut off, and returns the
 * new lines (without newlines); `headFor` gets the last of them and `measure` (the log's bytes
 * under the lock, streamed, plus the new lines') and returns the signed head to keep with it, or
 * undefined. `onStep` names each durable step (kill-point tests).
 */
export interface ChainAppender {
  append(
    linesFor: (last: string | undefined, torn: TornTail | undefined) => string[],
    headFor: (lastText: string, measure: () => Promise<LogExtent>) => Promise<string | undefined>,
    onStep?: (step: string) => void,
  ): Promise<void>;
}
