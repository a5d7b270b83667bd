/**
 * The responders' report, checked against the scenario's answer key: each finding names a
 * device, a kind and the indicators the team wrote down (a path, PID, port, account...). A
 * finding matches a plant when device and kind agree and every indicator it gives equals the
 * key's; plants nobody reported are missed, findings that match no plant are false positives.
 */
import * as fs from "node:fs";
import { parse } from "yaml";
import type { Scenario } from "pulumi-mde-forensics/emulator";

export interface Finding {
  device: string;
  kind: string;
  indicators?: Record<string, string | number>;
}

export interface FindingsResult {
  found: Array<{ device: string; kind: string }>;
  missed: Array<{ device: string; kind: string; collected: boolean }>;
  falsePositives: Finding[];
  wrongIndicators: Array<{ device: string; kind: string; field: string; reported: string; expected: string }>;
}

export function loadFindings(file: string): Finding[] {
  const raw = parse(fs.readFileSync(file, "utf8")) as { findings?: Finding[] };
  if (!Array.isArray(raw?.findings)) throw new Error(`${file}: findings must be a list of { device, kind, indicators }`);
  return raw.findings;
}

export function compareFindings(findings: Finding[], key: Scenario["answerKey"], collected: Set<string>): FindingsResult {
  const result: FindingsResult = { found: [], missed: [], falsePositives: [], wrongIndicators: [] };
  const used = new Set<number>();
  for (const f of findings) {
    const i = key.findIndex((k, n) => !used.has(n) && k.computerDnsName.toLowerCase() === f.device.toLowerCase() && k.kind === f.kind);
    if (i < 0) {
      result.falsePositives.push(f);
      continue;
    }
    used.add(i);
    result.found.push({ device: key[i].computerDnsName, kind: key[i].kind });
    for (const [field, reported] of Object.entries(f.indicators ?? {})) {
      const expected = key[i].indicators[field];
      if (String(expected).toLowerCase() !== String(reported).toLowerCase()) {
        result.wrongIndicators.push({ device: f.device, kind: f.kind, field, reported: String(reported), expected: String(expected) });
      }
    }
  }
  key.forEach((k, n) => {
    if (!used.has(n)) result.missed.push({ device: k.computerDnsName, kind: k.kind, collected: collected.has(k.computerDnsName.toLowerCase()) });
  });
  return result;
}

/** The drill passes on findings when every plant on a collected device was reported correctly and nothing was invented. */
export function findingsPass(r: FindingsResult): boolean {
  return r.falsePositives.length === 0 && r.wrongIndicators.length === 0 && r.missed.every((m) => !m.collected);
}

export function printFindings(r: FindingsResult, say: (line: string) => void): void {
  say("");
  say(`findings    ${r.found.length} found, ${r.missed.length} missed, ${r.falsePositives.length} false positive(s), ${r.wrongIndicators.length} wrong indicator(s)`);
  for (const m of r.missed) say(`    missed ${m.kind} on ${m.device}${m.collected ? "" : " (not collected in this drill)"}`);
  for (const f of r.falsePositives) say(`    FAIL false positive: ${f.kind} on ${f.device}`);
  for (const w of r.wrongIndicators) say(`    FAIL ${w.kind} on ${w.device}: ${w.field} is ${w.expected}, reported ${w.reported}`);
}
