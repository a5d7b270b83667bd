/**
 * The custody log read as a stream of lines, never as one string: a log of hundreds of MB must
 * not hit V8's string limit ("Invalid string length") nor hold its size in memory. Each line
 * comes with its own SHA-256 (what the next line's `prev` and the signed head's last-line hash
 * name) and the SHA-256 of the file up to and including it (what the signed head's subject and an
 * RFC 3161 token name), both over the exact bytes, so nothing depends on re-encoding text.
 */
import { createHash, type Hash } from "node:crypto";

/** A longer line is not a custody record; it is hashed but not parsed. */
export const MAX_LINE_BYTES = 1024 * 1024;

export interface LogLine {
  /** 1-based. */
  number: number;
  /** SHA-256 (hex) of the line's bytes, without its newline. */
  sha256: string;
  /** The line's text; undefined when it is longer than MAX_LINE_BYTES. */
  text: string | undefined;
  /** False for a last line without its newline (a write in progress, or torn). */
  complete: boolean;
  /** SHA-256 (hex) of the file's bytes up to and including this line's newline; only for the lines the splitter was asked to keep it for. */
  fileSha256(): string;
}

/** Splits bytes into lines as they arrive; `end()` gives a last line that has no newline. */
export class LineSplitter {
  private readonly file = createHash("sha256");
  private line = createHash("sha256");
  private parts: Buffer[] = [];
  private held = 0;
  private number = 0;

  /** `fileHashAt(n)`: whether line n needs the file hash through it (a copy of the hash state per line otherwise). */
  constructor(private readonly fileHashAt: (lineNumber: number) => boolean = () => true) {}

  push(chunk: Buffer): LogLine[] {
    const out: LogLine[] = [];
    let from = 0;
    for (let nl = chunk.indexOf(10, from); nl >= 0; nl = chunk.indexOf(10, from)) {
      this.add(chunk.subarray(from, nl));
      this.file.update(chunk.subarray(nl, nl + 1));
      out.push(this.take(true));
      from = nl + 1;
    }
    if (from < chunk.length) this.add(chunk.subarray(from));
    return out;
  }

  end(): LogLine[] {
    return this.held > 0 ? [this.take(false)] : [];
  }

  private add(bytes: Buffer): void {
    this.line.update(bytes);
    this.file.update(bytes);
    this.held += bytes.length;
    if (this.held <= MAX_LINE_BYTES) this.parts.push(bytes);
    else this.parts = [];
  }

  private take(complete: boolean): LogLine {
    const text = this.held <= MAX_LINE_BYTES ? Buffer.concat(this.parts).toString("utf8") : undefined;
    const number = ++this.number;
    const fileSha256 = this.fileHashAt(number) ? snapshot(this.file) : () => { throw new Error(`the file hash through line ${number} was not kept`); };
    const result = { number, sha256: this.line.digest("hex"), text, complete, fileSha256 };
    this.line = createHash("sha256");
    this.parts = [];
    this.held = 0;
    return result;
  }
}

export async function* logLines(chunks: AsyncIterable<Buffer>): AsyncGenerator<LogLine> {
  const splitter = new LineSplitter();
  for await (const chunk of chunks) yield* splitter.push(chunk);
  yield* splitter.end();
}

/** The file hash as of now; the copy is taken at once, the digest only if asked for. */
function snapshot(hash: Hash): () => string {
  const copy = hash.copy();
  let hex: string | undefined;
  return () => (hex ??= copy.digest("hex"));
}

/**
 * What the signed head commits to for the log read from `chunks`, through the line whose SHA-256
 * is `lastLineSha256` (the line just appended): later lines of another writer are left out.
 */
export async function headThrough(chunks: AsyncIterable<Buffer>, lastLineSha256: string): Promise<{ fileSha256: string; lineCount: number } | undefined> {
  for await (const l of logLines(chunks)) if (l.complete && l.sha256 === lastLineSha256) return { fileSha256: l.fileSha256(), lineCount: l.number };
  return undefined;
}

/**
 * The log as it will be once `appended` (whole lines) follows `chunks` (the log's bytes as they
 * are, ending with a newline or empty): SHA-256 of all of it and its line count. Streamed: the
 * writer measures a log of any size under its lock without holding it in memory.
 */
export async function logExtent(chunks: AsyncIterable<Buffer> | Iterable<Buffer>, appended: Buffer): Promise<{ fileSha256: string; lineCount: number }> {
  const hash = createHash("sha256");
  let lineCount = 0;
  for (const part of [chunks, [appended]]) {
    for await (const bytes of part) {
      hash.update(bytes);
      for (let at = bytes.indexOf(10); at >= 0; at = bytes.indexOf(10, at + 1)) lineCount++;
    }
  }
  return { fileSha256: hash.digest("hex"), lineCount };
}
