/**
 * Checks a custody log's hash chain line by line (never the whole file as a string), and what
 * the signed head says about it. A deleted, reordered, edited or re-linked line breaks the `prev`
 * link of the line after it, or no longer matches the head's file hash; a truncated or
 * rolled-back log has fewer lines than the head covers. Lines after the head's line count are a
 * write in progress (or added since): not covered by a signature, reported, not tampering. The
 * head's claims are read without a key: the key only says who made them (envelopes.ts).
 * Lines written before chaining existed (0.1.0) are accepted only as a prefix, and said so.
 */
import { z } from "zod";
import { MACHINE_ID_PATTERN } from "../api/machineIdPattern";
import { CUSTODY_SUBJECT, HEAD_PREDICATE } from "../evidence/attest";
import type { Statement } from "../evidence/dsse";
import { type LogLine, LineSplitter } from "../evidence/logLines";

/** Action ids become file names: letters, digits, `-` and `_` (MDE's are GUIDs). */
export const ACTION_ID_PART = /^[A-Za-z0-9][A-Za-z0-9_-]*$/;
const RECORDING_EVENTS = new Set(["verified", "reused", "claimed"]);
const HEX64 = /^[0-9a-f]{64}$/;
const MAX_LINE_PROBLEMS = 100;

const LineSchema = z.looseObject({
  prev: z.string().nullable().optional(),
  timestamp: z.string(),
  event: z.string(),
  actionId: z.string().nullable(),
  machineId: z.string().nullable(),
  details: z.record(z.string(), z.unknown()),
});

export interface ParsedLine {
  number: number;
  event: string;
  actionId: string | null;
  machineId: string | null;
  details: Record<string, unknown>;
}

/** What the signed head claims (read, not yet trusted). `lineCount` is absent in a 0.1 head, which named the last line only. */
export interface HeadClaim {
  lineCount?: number;
  fileSha256?: string;
  lastLineSha256: string;
}

/** The head's claims from its Statement, or a reason it is not a custody head. */
export function headClaimOf(statement: Statement): HeadClaim | string {
  const subject = statement.subject[0];
  if (statement.predicateType !== HEAD_PREDICATE || subject?.name !== CUSTODY_SUBJECT) return "it does not sign a custody chain";
  const p = z.object({ lineCount: z.number().int().positive(), lastLineSha256: z.string().regex(HEX64) }).safeParse(statement.predicate);
  if (p.success) return { lineCount: p.data.lineCount, fileSha256: subject.digest.sha256, lastLineSha256: p.data.lastLineSha256 };
  return { lastLineSha256: subject.digest.sha256 };
}

/** What the packages' checks need from the log: per `<machineId>-<actionId>`, the hashes recorded. */
export interface Recorded {
  sha256: Set<string>;
  manifestSha256: Set<string>;
  /** The first line recording it: after the signed head's cut-off, the package is still being written. */
  firstLine: number;
}

export class ChainReader {
  readonly problems: string[] = [];
  readonly unproven: string[] = [];
  readonly recorded = new Map<string, Recorded>();
  /** Only when asked for (tests, small logs): every parsed line. */
  readonly parsed: ParsedLine[] | undefined;
  completeLines = 0;
  legacyLines = 0;
  /** Numbers of the `repaired` lines (a writer cut off a torn last line and kept its bytes there: custodyFile.ts). */
  readonly repaired: number[] = [];
  /** SHA-256 of the log through line N, for each N asked for (time-stamp tokens name these). */
  readonly digests = new Map<number, string>();
  /** Lines the head covers once it matched; undefined until then. */
  covered: number | undefined;
  private moreProblems = 0;
  private prev: string | undefined;
  private chained = false;

  constructor(
    private readonly head: HeadClaim | undefined,
    keepLines = false,
    private readonly digestsAt: ReadonlySet<number> = new Set(),
  ) {
    this.parsed = keepLines ? [] : undefined;
  }

  /** Whether line n's file hash is needed: the head's line, or a time-stamp token's. */
  needsFileHash(n: number): boolean {
    return n === this.head?.lineCount || this.digestsAt.has(n);
  }

  push(l: LogLine): void {
    if (!l.complete) {
      this.unproven.push("custody.jsonl ends with an incomplete last line (a write in progress, or a writer killed mid-line): not checked");
      return;
    }
    this.completeLines = l.number;
    const previous = this.prev;
    this.prev = l.sha256;
    this.matchHead(l);
    if (this.digestsAt.has(l.number)) this.digests.set(l.number, l.fileSha256());
    const fail = (what: string): void => {
      // A log of a million bad lines must not become a million-line report: the first ones name the damage.
      if (this.problems.length < MAX_LINE_PROBLEMS) this.problems.push(`custody.jsonl line ${l.number}${what.startsWith(":") ? "" : " "}${what}`);
      else this.moreProblems++;
    };
    if (l.text === undefined) return fail("is longer than 1 MiB: not a custody record");
    let json: unknown;
    try {
      json = JSON.parse(l.text);
    } catch {
      return fail("is not JSON (edited?)");
    }
    if (!json || typeof json !== "object" || Array.isArray(json)) return fail("is not a custody record (not a JSON object)");
    if (!("prev" in json) && !this.chained) this.legacyLines++;
    else {
      this.chained = true;
      const want = l.number === 1 ? null : previous;
      if ((json as { prev?: unknown }).prev !== want) fail(`: its prev hash does not match line ${l.number - 1} (a line deleted, reordered or edited)`);
    }
    const line = LineSchema.safeParse(json);
    if (!line.success) return fail(`is not a custody record (${line.error.issues[0]?.path.join(".") || "shape"})`);
    const { event, actionId, machineId, details } = line.data;
    if (actionId !== null && !ACTION_ID_PART.test(actionId)) return fail(`names an action id that is not one: ${JSON.stringify(actionId.slice(0, 80))}`);
    if (machineId !== null && !MACHINE_ID_PATTERN.test(machineId)) return fail(`names a machine id that is not one: ${JSON.stringify(machineId.slice(0, 80))}`);
    this.parsed?.push({ number: l.number, event, actionId, machineId, details });
    if (event === "repaired") this.repaired.push(l.number);
    if (!RECORDING_EVENTS.has(event) || typeof details.sha256 !== "string" || !actionId || !machineId) return;
    const base = `${machineId.toLowerCase()}-${actionId}`;
    const r = this.recorded.get(base) ?? { sha256: new Set<string>(), manifestSha256: new Set<string>(), firstLine: l.number };
    this.recorded.set(base, r);
    r.sha256.add(details.sha256);
    if (typeof details.manifestSha256 === "string") r.manifestSha256.add(details.manifestSha256);
  }

  private matchHead(l: LogLine): void {
    const h = this.head;
    if (!h) return;
    if (h.lineCount === undefined) {
      if (l.sha256 === h.lastLineSha256) this.covered = l.number;
    } else if (l.number === h.lineCount) {
      const file = l.fileSha256();
      if (file === h.fileSha256 && l.sha256 === h.lastLineSha256) this.covered = l.number;
      else this.problems.push(`custody.jsonl does not match the signed head: its first ${l.number} line(s) hash to ${file}, the head signs ${h.fileSha256} (a line edited, deleted, inserted or re-linked)`);
    }
  }

  finish(): void {
    if (this.moreProblems) this.problems.push(`custody.jsonl: ${this.moreProblems} more broken line(s) after the first ${MAX_LINE_PROBLEMS}`);
    const h = this.head;
    if (h && h.lineCount !== undefined && this.completeLines < h.lineCount) {
      this.problems.push(`custody.jsonl does not match the signed head: it has ${this.completeLines} complete line(s), but the signed head covers ${h.lineCount} (lines deleted, or the log truncated or rolled back)`);
    } else if (h && h.lineCount === undefined && this.covered === undefined) {
      this.problems.push("custody.jsonl: the signed head matches none of its lines (the last line was edited or deleted)");
    }
    if (h && this.covered !== undefined && this.completeLines > this.covered) {
      this.unproven.push(`custody.jsonl: ${this.completeLines - this.covered} line(s) after the signed head (line ${this.covered}) are not covered by a signature (a write in progress, or added since)`);
    }
    if (h && h.lineCount === undefined) this.unproven.push("custody.head.json is in the 0.1 form: it binds the last line only, not the file or its line count");
    if (this.legacyLines > 0) this.unproven.push(`custody.jsonl: ${this.legacyLines} line(s) written before chaining (0.1.0) cannot be checked`);
  }
}

/** Reads the whole log from `chunks` into `reader`. */
export async function readChain(chunks: AsyncIterable<Buffer>, reader: ChainReader): Promise<void> {
  const splitter = new LineSplitter((n) => reader.needsFileHash(n));
  for await (const chunk of chunks) for (const l of splitter.push(chunk)) reader.push(l);
  for (const l of splitter.end()) reader.push(l);
  reader.finish();
}

/** The chain of a log held as text (small logs, tests): its lines and its first break. Later arguments (the 0.1 head and key) are ignored: heads are checked in checks.ts. */
export function checkChain(text: string | undefined, ..._unused: unknown[]): { lines: ParsedLine[]; problem?: string; legacyLines: number } {
  if (text === undefined) return { lines: [], problem: "custody.jsonl is missing", legacyLines: 0 };
  const reader = new ChainReader(undefined, true);
  const splitter = new LineSplitter();
  for (const l of [...splitter.push(Buffer.from(text, "utf8")), ...splitter.end()]) reader.push(l);
  reader.finish();
  const problem = reader.problems[0] ?? reader.unproven.find((u) => u.includes("incomplete"));
  return { lines: reader.parsed!, problem, legacyLines: reader.legacyLines };
}
