/**
 * Checks a custody log's hash chain and, given the public key, its signed head. A deleted,
 * reordered or edited line breaks the `prev` link of the line after it; an edited or deleted
 * last line no longer matches the signed head. Lines written before chaining existed (0.1.0)
 * are accepted only as a prefix, and said so.
 */
import type { KeyObject } from "node:crypto";
import { CUSTODY_SUBJECT, HEAD_PREDICATE } from "../evidence/attest";
import { sha256Hex } from "../evidence/custodyLog";
import { openEnvelope } from "../evidence/dsse";

export interface ParsedLine {
  number: number;
  event: string;
  actionId: string | null;
  machineId: string | null;
  details: Record<string, unknown>;
}

export interface ChainReport {
  lines: ParsedLine[];
  /** The first break, or undefined when the chain holds. */
  problem?: string;
  /** `signed` (head checked), `unsigned` (no head), `unchecked` (no key given), or a problem. */
  head: "signed" | "unsigned" | "unchecked";
  headProblem?: string;
  legacyLines: number;
}

export function checkChain(text: string | undefined, headText: string | undefined, publicKey: KeyObject | undefined): ChainReport {
  const report: ChainReport = { lines: [], head: headText === undefined ? "unsigned" : publicKey ? "signed" : "unchecked", legacyLines: 0 };
  if (text === undefined) return { ...report, problem: "custody.jsonl is missing" };
  if (text !== "" && !text.endsWith("\n")) report.problem = "custody.jsonl: the last line is incomplete (torn write or truncation)";
  const raw = text.split("\n").filter((l, i, all) => l !== "" || i < all.length - 1);
  const hashes: string[] = [];
  let chained = false;
  raw.forEach((lineText, i) => {
    const n = i + 1;
    hashes.push(sha256Hex(lineText));
    let json: Record<string, unknown>;
    try {
      json = JSON.parse(lineText);
    } catch {
      report.problem ??= `custody.jsonl line ${n} is not JSON (edited?)`;
      return;
    }
    if (!("prev" in json) && !chained) report.legacyLines++;
    else {
      chained = true;
      const want = i === 0 ? null : hashes[i - 1];
      if (json.prev !== want) report.problem ??= `custody.jsonl line ${n}: its prev hash does not match line ${i} (a line deleted, reordered or edited)`;
    }
    report.lines.push({ number: n, event: String(json.event), actionId: (json.actionId as string) ?? null, machineId: (json.machineId as string) ?? null, details: (json.details as Record<string, unknown>) ?? {} });
  });
  if (headText !== undefined && publicKey) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(headText);
    } catch {
      parsed = undefined;
    }
    const opened = openEnvelope(parsed, publicKey);
    const subject = opened.ok ? opened.statement.subject[0] : undefined;
    if (!opened.ok) report.headProblem = `custody.head.json: ${opened.reason}`;
    else if (opened.statement.predicateType !== HEAD_PREDICATE || subject?.name !== CUSTODY_SUBJECT) report.headProblem = "custody.head.json does not sign a custody chain";
    else if (subject.digest.sha256 !== hashes.at(-1)) {
      const at = hashes.indexOf(subject.digest.sha256);
      report.headProblem =
        at < 0
          ? "custody.jsonl: the signed head matches none of its lines (the last line was edited or deleted)"
          : `custody.jsonl: ${hashes.length - at - 1} line(s) after the signed head (line ${at + 1}) are not covered by a signature`;
    }
  }
  return report;
}
