/**
 * The RFC 3161 tokens beside a custody log (`custody.<N>.tsr`, each over the log's first N lines):
 * each one's imprint against the log as it is, its CMS signature, and (given `--tsa-root`) its
 * TSA's certificate chain. A token over more lines than the log has means the log was truncated
 * or rolled back, signed or not. Without a root the time is reported as the token's claim only.
 */
import { messageOf } from "../evidence/errors";
import { checkToken } from "../evidence/timestamp/token";
import type { EvidenceSource } from "./source";

export interface TimestampRow {
  file: string;
  lines: number;
  genTime: string | null;
  tsa: string | null;
  status: "trusted" | "unchecked" | "BAD";
}

/** A .tsr is a few KB (the TSA's certificates included). */
const MAX_TOKEN_BYTES = 256 * 1024;

export interface TimestampFindings {
  problems: string[];
  unproven: string[];
  notes: string[];
}

export async function checkTimestamps(source: EvidenceSource, tokens: Map<string, number>, digests: Map<number, string>, completeLines: number, roots: readonly string[], f: TimestampFindings): Promise<TimestampRow[]> {
  const rows: TimestampRow[] = [];
  for (const [file, lines] of [...tokens].sort((a, b) => a[1] - b[1])) {
    const row: TimestampRow = { file, lines, genTime: null, tsa: null, status: "BAD" };
    rows.push(row);
    const digest = digests.get(lines);
    if (lines > completeLines || !digest) {
      f.problems.push(`${file} stamps the log's first ${lines} line(s), but it has only ${completeLines} (truncated or rolled back)`);
      continue;
    }
    try {
      const bytes = await source.readBytes(file, MAX_TOKEN_BYTES);
      if (!bytes) throw new Error("it disappeared while verifying");
      const info = await checkToken(bytes, digest, roots);
      Object.assign(row, { genTime: info.genTime, tsa: info.tsa, status: info.trusted ? "trusted" : "unchecked" });
      if (!info.trusted) f.notes.push(`${file}: the log's first ${lines} line(s) time-stamped at ${info.genTime}, as the token claims (its TSA, ${info.tsa}, not checked: no --tsa-root given)`);
    } catch (err) {
      f.problems.push(`${file}: ${messageOf(err).replace(`${file}: `, "")}`);
    }
  }
  if (roots.length && !rows.some((r) => r.status === "trusted")) f.unproven.push("trusted time not established: a --tsa-root was given, but no time-stamp token (custody.<N>.tsr) holds");
  return rows;
}
