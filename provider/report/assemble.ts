/**
 * Puts the report together from verified packages' facts and the verification of each package:
 * the package table (verified or not, what each reader skipped, Security counts, findings per
 * severity), the findings in a responder's order, the fleet timeline, checked against the schema.
 */
import type { DeviceFacts } from "./facts";
import { findingsOf, rareMaxHosts } from "./findings";
import { REPORT_SCHEMA, TriageReportSchema, type PackageEntry, type TriageReport } from "./schema";

export interface PackageStatus {
  file: string;
  machineId: string;
  actionId: string;
  computerDnsName: string;
  sha256: string;
  sizeBytes: number;
  problems: string[];
  facts?: DeviceFacts;
}

/** Past this many hours (90 days) the timeline keeps only hours that have events, not every hour between. */
const MAX_FILLED_HOURS = 24 * 90;

export function assembleReport(location: string, statuses: PackageStatus[], locationProblems: string[], tool: { name: string; version: string }, generatedAt: string): TriageReport {
  const devices = statuses.flatMap((s) => (s.facts ? [s.facts] : []));
  const windows = devices.filter((d) => d.platform === "windows");
  const findings = findingsOf(devices);
  const packages: PackageEntry[] = statuses.map((s) => {
    const mine = findings.filter((f) => f.machineId === s.machineId && f.evidence[0].package === s.file);
    const sec = s.facts?.security;
    return {
      file: s.file, machineId: s.machineId, actionId: s.actionId, computerDnsName: s.facts?.computerDnsName || s.computerDnsName,
      sha256: s.sha256, sizeBytes: s.sizeBytes, verified: !!s.facts, problems: s.problems, skipped: s.facts?.skipped ?? [],
      security: { present: sec?.present ?? false, records: sec?.records ?? 0, badChunks: sec?.badChunks ?? 0, badRecords: sec?.badRecords ?? 0, counts: sec?.counts ?? {}, ...(sec?.firstTime ? { firstTime: sec.firstTime, lastTime: sec.lastTime } : {}) },
      findings: { high: mine.filter((f) => f.severity === "high").length, medium: mine.filter((f) => f.severity === "medium").length, low: mine.filter((f) => f.severity === "low").length },
    };
  });
  return TriageReportSchema.parse({
    schema: REPORT_SCHEMA, generatedAt, tool, location, problems: locationProblems,
    fleet: { packages: statuses.length, verified: devices.length, unverified: statuses.length - devices.length, windows: windows.length,
      baseline: windows.length > rareMaxHosts(windows.length), rareMaxHosts: rareMaxHosts(windows.length) },
    packages, findings, timeline: timeline(devices),
  });
}

function timeline(devices: DeviceFacts[]): TriageReport["timeline"] {
  const totals = new Map<string, Record<string, number>>();
  const ids = new Set<string>();
  for (const d of devices) {
    for (const [hour, counts] of Object.entries(d.security.hours)) {
      const t = totals.get(hour) ?? {};
      for (const [id, n] of Object.entries(counts)) {
        t[id] = (t[id] ?? 0) + n;
        ids.add(id);
      }
      totals.set(hour, t);
    }
  }
  let hours = [...totals.keys()].sort();
  if (hours.length > 1) {
    const start = Date.parse(`${hours[0]}:00:00Z`);
    const end = Date.parse(`${hours[hours.length - 1]}:00:00Z`);
    const span = (end - start) / 3_600_000;
    if (span <= MAX_FILLED_HOURS) hours = Array.from({ length: span + 1 }, (_, i) => new Date(start + i * 3_600_000).toISOString().slice(0, 13));
  }
  const series: Record<string, number[]> = {};
  for (const id of [...ids].sort()) series[id] = hours.map((h) => totals.get(h)?.[id] ?? 0);
  return { hours, series };
}
