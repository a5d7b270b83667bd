/**
 * The chain-of-custody log: `custody.jsonl` in the evidence folder, one JSON object per line,
 * one line per event in the life of a collection (requested, adopted, succeeded, downloaded,
 * verified, reused, failed), and `reported` when a triage report was made from the location (provider/report).
 *
 * Why a separate append-only log beside the per-package manifest: the manifest describes the
 * package as kept; the log says *who did what when*, including collections that failed and never
 * produced a package, which is what an examiner asks for. Why whole-line appends with fsync: two
 * Pulumi stacks can share one folder, and a torn or lost line breaks the chain. Each line is one
 * `write(2)` on a file opened with O_APPEND, which POSIX appends atomically on local file systems.
 *
 * Why a hash chain: plain lines can be edited, deleted or reordered without a trace. Each line's
 * `prev` is the SHA-256 of the line before it (its exact text, without the newline), computed and
 * appended under an exclusive lock (fileLock.ts) so concurrent writers extend one chain instead of
 * forking it. With a signing key, the chain's head (the SHA-256 of the last line, which commits to
 * every line before it) is signed after each append into `custody.head.json` (attest.ts,
 * `writeHeadEnvelope`, called by the handler).
 */
import { createHash } from "node:crypto";
import { open } from "node:fs/promises";
import { hostname, userInfo } from "node:os";
import { join, resolve } from "node:path";
import type { Clock } from "../util/clock";
import { redact } from "../util/redact";
import { describeFsError, EvidenceError } from "./errors";
import { withFileLock } from "./fileLock";
import type { EvidenceSubject } from "./subject";

export const CUSTODY_LOG_NAME = "custody.jsonl";

/** The events this module and the resource write; others are accepted but should be rare. */
export const CUSTODY_EVENTS = ["requested", "adopted", "resumed", "superseded", "succeeded", "downloaded", "verified", "reused", "claimed", "failed", "reported"] as const;
export type CustodyEvent = (typeof CUSTODY_EVENTS)[number];

export type DetailValue = string | number | boolean | null;

export interface CustodyLine {
  /** SHA-256 (hex) of the previous line's text; null for the first line of a log. */
  prev: string | null;
  /** ISO-8601 UTC time of the event (from the injected clock). */
  timestamp: string;
  event: string;
  actionId: string | null;
  machineId: string | null;
  /** `user@host` of the process that handled the evidence. */
  operator: string;
  /** `name@version` of this tool. */
  tool: string;
  details: Record<string, DetailValue>;
}

/** Subject fields copied into every line's details when known: enough to read a line on its own. */
const DETAIL_FIELDS = [
  "status",
  "computerDnsName",
  "requestor",
  "requestorComment",
  "creationDateTimeUtc",
  "lastUpdateDateTimeUtc",
  "errorHResult",
  "packageSizeBytes",
  "packageSha256",
] as const satisfies readonly (keyof EvidenceSubject)[];

export interface CustodyLogOptions {
  clock: Clock;
  tool: string;
  /** @default `<os user>@<host name>` */
  operator?: string;
  /** Extra values to redact verbatim (the download link while one is live). */
  knownSecrets?: () => readonly string[];
  /** Called under the log's lock after each append, with the location and the new last line's SHA-256 (signs the head through it: attest.ts). */
  onAppended?(location: string, lastLineSha256: string, line: CustodyLine): Promise<void>;
  /** The chain appender of a location that is not a local folder (a blob container); undefined: a folder. */
  appenderFor?(location: string): ChainAppender | undefined;
}

/**
 * Extends one location's chain: calls `lineFor` with the current last line (or undefined) and
 * appends its result (without newline) so that no other writer can slip a line in between.
 */
export interface ChainAppender {
  /** `then` runs after the append, still exclusively: heads are signed in chain order. */
  append(lineFor: (last: string | undefined) => string, then: () => Promise<void>): Promise<void>;
}

/** A folder's log: the last line is read and the new one appended while holding the folder's lock. */
export function folderAppender(directory: string): ChainAppender {
  const file = join(resolve(directory), CUSTODY_LOG_NAME);
  return {
    append: (lineFor, then) =>
      withFileLock(
        `${file}.lock`,
        async () => {
          await appendLine(file, `${lineFor(await lastLine(file))}\n`);
          await then();
        },
        `cannot append to the custody log ${file}`,
      ),
  };
}

export class CustodyLog {
  /** `user@host` written into every line (and into manifests). */
  readonly operatorName: string;

  constructor(private readonly options: CustodyLogOptions) {
    this.operatorName = options.operator ?? currentOperator();
  }

  /** Appends one event line to the location's `custody.jsonl` (synced); returns the line written. */
  async append(
    directory: string,
    event: string,
    subject: Partial<EvidenceSubject>,
    extra: Record<string, DetailValue | undefined> = {},
    atMs: number = this.options.clock.now(),
  ): Promise<CustodyLine> {
    const details: Record<string, DetailValue> = {};
    for (const key of DETAIL_FIELDS) {
      const v = subject[key];
      if (v !== undefined && v !== null) details[key] = v as DetailValue;
    }
    for (const [k, v] of Object.entries(extra)) if (v !== undefined) details[k] = v;
    const secrets = this.options.knownSecrets?.() ?? [];
    for (const [k, v] of Object.entries(details)) if (typeof v === "string") details[k] = redact(v, secrets);
    const appender = this.options.appenderFor?.(directory) ?? folderAppender(directory);
    let written: { line: CustodyLine; text: string } | undefined;
    await appender.append((before) => {
      const line: CustodyLine = {
        prev: before === undefined ? null : sha256Hex(before),
        timestamp: new Date(atMs).toISOString(),
        event,
        actionId: subject.actionId ?? null,
        machineId: subject.machineId ?? null,
        operator: this.operatorName,
        tool: this.options.tool,
        details,
      };
      written = { line, text: JSON.stringify(line) };
      return written.text;
    }, async () => this.options.onAppended?.(directory, sha256Hex(written!.text), written!.line));
    return written!.line;
  }
}

export const sha256Hex = (text: string | Buffer) => createHash("sha256").update(text).digest("hex");

/** Lines are small: the last one is in the file's last 64 KiB (else the whole file is read). */
const TAIL_BYTES = 64 * 1024;

/** The text of the log's last line (without its newline), or undefined for a missing or empty log. */
export async function lastLine(file: string): Promise<string | undefined> {
  let fh: import("node:fs/promises").FileHandle;
  try {
    fh = await open(file, "r");
  } catch (err) {
    if ((err as { code?: string }).code === "ENOENT") return undefined;
    throw new EvidenceError("write", `cannot read the custody log ${file}: ${describeFsError(err)}`, { cause: err });
  }
  try {
    const { size } = await fh.stat();
    for (let want = Math.min(size, TAIL_BYTES); ; want = size) {
      const buf = Buffer.alloc(want);
      await fh.read(buf, 0, want, size - want);
      const text = buf.toString("utf8").replace(/\n$/, "");
      const cut = text.lastIndexOf("\n");
      if (cut >= 0 || want === size) return text === "" ? undefined : text.slice(cut + 1);
    }
  } finally {
    await fh.close();
  }
}

async function appendLine(file: string, text: string): Promise<void> {
  try {
    const fh = await open(file, "a", 0o600);
    try {
      await fh.appendFile(text, "utf8");
      await fh.sync();
    } finally {
      await fh.close();
    }
  } catch (err) {
    throw new EvidenceError("write", `cannot append to the custody log ${file}: ${describeFsError(err)}`, { cause: err });
  }
}

function currentOperator(): string {
  let user = "unknown";
  try {
    user = userInfo().username;
  } catch {
    // no passwd entry (some containers): keep "unknown"
  }
  return `${user}@${hostname()}`;
}
