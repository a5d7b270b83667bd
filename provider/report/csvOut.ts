/**
 * One CSV per finding kind (`findings-<kind>.csv`), for spreadsheets and SIEM imports. Package
 * content is untrusted, so a cell that a spreadsheet would run as a formula (=, +, -, @, tab,
 * CR at its start) is prefixed with a single quote (OWASP "CSV injection").
 */
import type { Finding } from "./schema";

const HEADER = ["id", "severity", "category", "kind", "computerDnsName", "machineId", "title", "details", "hosts", "packageSha256", "package", "path", "line", "record", "eventRecordId"];

function cell(v: string | number | undefined): string {
  let s = v === undefined ? "" : String(v);
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** kind → CSV text (UTF-8 with BOM so Excel reads non-ASCII names, CRLF as Windows expects). */
export function findingCsvs(findings: Finding[]): Map<string, string> {
  const byKind = new Map<string, Finding[]>();
  for (const f of findings) byKind.set(f.kind, [...(byKind.get(f.kind) ?? []), f]);
  const out = new Map<string, string>();
  for (const [kind, list] of byKind) {
    const rows = list.map((f) => {
      const e = f.evidence[0];
      return [f.id, f.severity, f.category, f.kind, f.computerDnsName, f.machineId, f.title, JSON.stringify(f.details), (f.hosts ?? []).join(" "), e.packageSha256, e.package, e.path, e.line, e.record, e.eventRecordId].map(cell).join(",");
    });
    out.set(kind, `\ufeff${[HEADER.join(","), ...rows].join("\r\n")}\r\n`);
  }
  return out;
}

/** A file name from a kind: only [a-z0-9-] survive, so no kind can name a path outside the output folder. */
export const csvName = (kind: string) => `findings-${kind.toLowerCase().replace(/[^a-z0-9-]/g, "_").slice(0, 64)}.csv`;
