/** `verify`'s table for a terminal: one row per package, the chain, each signer, then what is wrong or unproven. */
import type { VerifyReport } from "./checks";

const SIGNER_TEXT = {
  trusted: (n: number) => `trusted key, verified ${n} envelope(s)`,
  unchecked: (n: number) => `claimed by ${n} envelope(s), not checked (no --public-key given)`,
  untrusted: (n: number) => `claimed by ${n} envelope(s), no valid signature by a trusted key`,
};

export function renderReport(r: VerifyReport): string {
  const header = ["package", "device", "action", "sha256", "chain", "signature"];
  const rows = r.rows.map((x) => [x.package, x.device, x.action, x.sha256, x.chain, x.signature]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i])).join("  ").trimEnd();
  const covered = r.chain.coveredLines === null ? "" : `, ${r.chain.coveredLines} covered by the head`;
  const chain = `custody chain: ${r.chain.ok ? "ok" : "BROKEN"}, ${r.chain.lines} line(s)${covered}${r.chain.legacyLines ? `, ${r.chain.legacyLines} written before chaining` : ""}, head ${r.chain.head}`;
  const signers = r.signers.length ? r.signers.map((s) => `signer ${s.keyId}: ${SIGNER_TEXT[s.status](s.envelopes)}`) : ["signer: none (nothing is signed)"];
  const stamps = r.timestamps.map((t) => `time-stamp ${t.file}: first ${t.lines} line(s)${t.genTime ? ` at ${t.genTime} by ${t.tsa}` : ""}, ${t.status === "trusted" ? "TSA trusted" : t.status === "unchecked" ? "TSA not checked (no --tsa-root)" : "BAD"}`);
  const list = (title: string, items: string[], mark: string) => (items.length ? [`${title}:`, ...items.map((p) => `  ${mark} ${p}`)] : []);
  const verdict = r.problems.length ? [] : r.unproven.length ? [`${r.rows.length} package(s) intact; authenticity not established`] : [`${r.rows.length} package(s) verified`];
  return [r.location, line(header), ...rows.map(line), chain, ...signers, ...stamps, ...list("problems", r.problems, "✗"), ...list("not established", r.unproven, "?"), ...list("notes", r.notes, "·"), ...verdict, ""].join("\n");
}
