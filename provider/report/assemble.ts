/**
 * Puts the report together from what each package's reading left (a small summary, not its facts)
 * and the verification of each package: the package table (verified or not, what each reader
 * skipped, Security counts, findings per severity), the findings, the fleet timeline, checked
 * against the schema.
 */
import type { DeviceFacts, SecurityLogFacts } from "./facts";
import { rareMaxHosts } from "./findings";
import { REPORT_SCHEMA, TriageReportSchema, type Finding, type PackageEntry, type TriageReport } from "./schema";

/** What the report keeps of a device once its findings are drawn: names, platform, Security counts, what was skipped (its hours go into the fleet's Timeline). */
export interface DeviceSummary {
  computerDnsName: string;
  platform: DeviceFacts["platform"];
  security: Omit<SecurityLogFacts, "kept" | "hours">;
  skipped: DeviceFacts["skipped"];
}

export function summaryOf(d: DeviceFacts): DeviceSummary {
  const { kept: _kept, hours: _hours, ...security } = d.security;
  return { computerDnsName: d.computerDnsName, platform: d.platform, security, skipped: d.skipped };
}

/** The fleet's events per hour, summed as each device is read (a device's own hours are not kept). */
export class Timeline {
  private readonly totals = new Map<string, Record<string, number>>();
  private readonly ids = new Set<string>();

  add(hours: SecurityLogFacts["hours"]): void {
    for (const [hour, counts] of Object.entries(hours)) {
      const t = this.totals.get(hour) ?? {};
      for (const [id, n] of Object.entries(counts)) {
        t[id] = (t[id] ?? 0) + n;
        this.ids.add(id);
      }
      this.totals.set(hour, t);
    }
  }

  series(): TriageReport["timeline"] {
    let hours = [...this.totals.keys()].sort();
    if (hours.length > 1) {
      const start = Date.parse(`${hours[0]}:00:00Z`);
      const end = Date.parse(`${hours[hours.length - 1]}:00:00Z`);
      const span = (end - start) / 3_600_000;
      if (span <= MAX_FILLED_HOURS) hours = Array.from({ length: span + 1 }, (_, i) => new Date(start + i * 3_600_000).toISOString().slice(0, 13));
    }
    const series: Record<string, number[]> = {};
    for (const id of [...this.ids].sort()) series[id] = hours.map((h) => this.totals.get(h)?.[id] ?? 0);
    return { hours, series };
  }
}

export interface PackageStatus {
  file: string;
  machineId: string;
  actionId: string;
  computerDnsName: string;
  sha256: string;
  sizeBytes: number;
  problems: string[];
  /** Present when the package was verified and read. */
  read?: DeviceSummary;
}

/** Past this many hours (90 days) the timeline keeps only hours that have events, not every hour between. */
const MAX_FILLED_HOURS = 24 * 90;

export function assembleReport(location: string, statuses: PackageStatus[], findings: Finding[], timeline: Timeline, locationProblems: string[], tool: { name: string; version: string }, generatedAt: string): TriageReport {
  const devices = statuses.flatMap((s) => (s.read ? [s.read] : []));
  const windows = devices.filter((d) => d.platform === "windows");
  const byPackage = new Map<string, Finding[]>();
  for (const f of findings) {
    const list = byPackage.get(f.evidence[0].package) ?? [];
    if (list.push(f) === 1) byPackage.set(f.evidence[0].package, list);
  }
  const packages: PackageEntry[] = statuses.map((s) => {
    const mine = (byPackage.get(s.file) ?? []).filter((f) => f.machineId === s.machineId);
    const sec = s.read?.security;
    return {
      file: s.file, machineId: s.machineId, actionId: s.actionId, computerDnsName: s.read?.computerDnsName || s.computerDnsName,
      sha256: s.sha256, sizeBytes: s.sizeBytes, verified: !!s.read, problems: s.problems, skipped: s.read?.skipped ?? [],
      security: { present: sec?.present ?? false, records: sec?.records ?? 0, badChunks: sec?.badChunks ?? 0, badRecords: sec?.badRecords ?? 0, counts: sec?.counts ?? {}, ...(sec?.firstTime ? { firstTime: sec.firstTime, lastTime: sec.lastTime } : {}) },
      findings: { high: mine.filter((f) => f.severity === "high").length, medium: mine.filter((f) => f.severity === "medium").length, low: mine.filter((f) => f.severity === "low").length },
    };
  });
  return TriageReportSchema.parse({
    schema: REPORT_SCHEMA, generatedAt, tool, location, problems: locationProblems,
    fleet: { packages: statuses.length, verified: devices.length, unverified: statuses.length - devices.length, windows: windows.length,
      baseline: windows.length > rareMaxHosts(windows.length), rareMaxHosts: rareMaxHosts(windows.length) },
    packages, findings, timeline: timeline.series(),
  });
}
