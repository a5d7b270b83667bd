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
 * forking it. With a signing key, a head is signed with each append into `custody.head.json`
 * (attest.ts): the SHA-256 of the whole file through the new line, the line count and the new
 * line's SHA-256, measured by the appender under the lock. How a line reaches the disk (lock,
 * tail, torn-line repair, write order) is the appender's: a folder's in custodyFile.ts, a blob
 * container's in blob/custody.ts.
 */
import { createHash } from "node:crypto";
import { hostname, userInfo } from "node:os";
import type { Clock } from "../util/clock";
import { redact } from "../util/redact";
import type { ChainAppender, LogExtent, TornTail } from "./chainAppender";
import { folderAppender } from "./custodyFile";
import type { EvidenceSubject } from "./subject";

export type { ChainAppender, LogExtent, TornTail } from "./chainAppender";
export { CUSTODY_LOG_NAME } from "./custodyFile";

/** The events this module and the resource write; others are accepted but should be rare. */
export const CUSTODY_EVENTS = ["requested", "adopted", "resumed", "superseded", "succeeded", "downloaded", "verified", "reused", "claimed", "failed", "reported", "repaired"] as const;
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
  /**
   * The signed head (envelope text) for the location's new last line, or undefined when unsigned;
   * called under the log's lock, so heads are signed in chain order. `head()` measures the log
   * through the new line (a pass over the whole file: call it only when signing). The appender
   * writes the text in its place in the write order.
   */
  headFor?(location: string, head: () => Promise<ChainHead>): Promise<string | undefined>;
  /** The chain appender of a location that is not a local folder (a blob container); undefined: a folder. */
  appenderFor?(location: string): ChainAppender | undefined;
  /** Test hook: called at each durable step of an append (`custody:<event>:<step>`), for kill-point tests. */
  onStep?(step: string): void;
}

/** What a signed head commits to (attest.ts signs it): the log through one line. */
export interface ChainHead extends LogExtent {
  lastLineSha256: string;
  line: CustodyLine;
}

export class CustodyLog {
  /** `user@host` written into every line (and into manifests). */
  readonly operatorName: string;

  constructor(private readonly options: CustodyLogOptions) {
    this.operatorName = options.operator ?? currentOperator();
  }

  /** Appends one event line to the location's `custody.jsonl` (synced); returns the line written. */
  async append(
    location: string,
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
    const appender = this.options.appenderFor?.(location) ?? folderAppender(location);
    let written: { line: CustodyLine; text: string } | undefined;
    await appender.append(
      (before, torn) => {
        const texts: string[] = [];
        let prev = before;
        if (torn) {
          const repaired = JSON.stringify(this.lineOf(prev, atMs, "repaired", {}, repairDetails(torn)));
          texts.push(repaired);
          prev = repaired;
        }
        const line = this.lineOf(prev, atMs, event, subject, details);
        written = { line, text: JSON.stringify(line) };
        texts.push(written.text);
        return texts;
      },
      async (text, measure) => this.options.headFor?.(location, async () => ({ ...(await measure()), lastLineSha256: sha256Hex(text), line: written!.line })),
      (step) => this.options.onStep?.(`custody:${event}:${step}`),
    );
    return written!.line;
  }

  private lineOf(before: string | undefined, atMs: number, event: string, subject: Partial<EvidenceSubject>, details: Record<string, DetailValue>): CustodyLine {
    return {
      prev: before === undefined ? null : sha256Hex(before),
      timestamp: new Date(atMs).toISOString(),
      event,
      actionId: subject.actionId ?? null,
      machineId: subject.machineId ?? null,
      operator: this.operatorName,
      tool: this.options.tool,
      details,
    };
  }
}

/** What a `repaired` line records of the fragment a crash left: enough to show what was cut, and that it was. */
function repairDetails(torn: TornTail): Record<string, DetailValue> {
  return { tornBytes: torn.bytes, tornSha256: torn.sha256, tornBase64: torn.base64, note: "an incomplete last line (a write cut short) was moved from the log into this line" };
}

export const sha256Hex = (text: string | Buffer) => createHash("sha256").update(text).digest("hex");

function currentOperator(): string {
  let user = "unknown";
  try {
    user = userInfo().username;
  } catch {
    // no passwd entry (some containers): keep "unknown"
  }
  return `${user}@${hostname()}`;
}
