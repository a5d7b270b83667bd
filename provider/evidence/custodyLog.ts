/**
 * The chain-of-custody log: `custody.jsonl` in the evidence folder, one JSON object per line,
 * one line per event in the life of a collection (requested, adopted, succeeded, downloaded,
 * verified, reused, failed).
 *
 * Why a separate append-only log beside the per-package manifest: the manifest describes the
 * package as kept; the log says *who did what when*, including collections that failed and never
 * produced a package, which is what an examiner asks for. Why whole-line appends with fsync: two
 * Pulumi stacks can share one folder, and a torn or lost line breaks the chain. Each line is one
 * `write(2)` on a file opened with O_APPEND, which POSIX appends atomically on local file systems.
 */
import { open } from "node:fs/promises";
import { hostname, userInfo } from "node:os";
import { join, resolve } from "node:path";
import type { CollectionOutputs } from "../resource/outputs";
import type { Clock } from "../util/clock";
import { redact } from "../util/redact";
import { describeFsError, EvidenceError } from "./errors";

export const CUSTODY_LOG_NAME = "custody.jsonl";

/** The events this module and the resource write; others are accepted but should be rare. */
export const CUSTODY_EVENTS = ["requested", "adopted", "succeeded", "downloaded", "verified", "reused", "failed"] as const;
export type CustodyEvent = (typeof CUSTODY_EVENTS)[number];

export type DetailValue = string | number | boolean | null;

export interface CustodyLine {
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

/** Output fields copied into every line's details when known: enough to read a line on its own. */
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
] as const satisfies readonly (keyof CollectionOutputs)[];

export interface CustodyLogOptions {
  clock: Clock;
  tool: string;
  /** @default `<os user>@<host name>` */
  operator?: string;
  /** Extra values to redact verbatim (the download link while one is live). */
  knownSecrets?: () => readonly string[];
}

export class CustodyLog {
  /** `user@host` written into every line (and into manifests). */
  readonly operatorName: string;

  constructor(private readonly options: CustodyLogOptions) {
    this.operatorName = options.operator ?? currentOperator();
  }

  /** Appends one event line to `<directory>/custody.jsonl` and syncs it; returns the line written. */
  async append(
    directory: string,
    event: string,
    outputs: Partial<CollectionOutputs>,
    extra: Record<string, DetailValue | undefined> = {},
    atMs: number = this.options.clock.now(),
  ): Promise<CustodyLine> {
    const details: Record<string, DetailValue> = {};
    for (const key of DETAIL_FIELDS) {
      const v = outputs[key];
      if (v !== undefined && v !== null) details[key] = v as DetailValue;
    }
    for (const [k, v] of Object.entries(extra)) if (v !== undefined) details[k] = v;
    const secrets = this.options.knownSecrets?.() ?? [];
    for (const [k, v] of Object.entries(details)) if (typeof v === "string") details[k] = redact(v, secrets);
    const line: CustodyLine = {
      timestamp: new Date(atMs).toISOString(),
      event,
      actionId: outputs.actionId ?? null,
      machineId: outputs.machineId ?? null,
      operator: this.operatorName,
      tool: this.options.tool,
      details,
    };
    await appendLine(join(resolve(directory), CUSTODY_LOG_NAME), `${JSON.stringify(line)}\n`);
    return line;
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
