/**
 * The triage report (`mde-forensics report`, report.json) as the drill's findings: each high
 * finding of the report names the plant kind it stands for, with the indicators the answer key
 * uses, so the checker scores the report exactly as it scores a team's findings.yaml.
 *
 * How a trainer scores a team with it (README.md, "Scoring"): the team's findings.yaml and the
 * report of the same evidence both go through compareFindings; the report is the floor a team
 * should reach without opening a ZIP.
 */
import * as fs from "node:fs";
import type { Finding as ReportFinding, TriageReport } from "pulumi-mde-forensics/report";
import type { Finding } from "./findings";

/** The plant kind each kind of high report finding names. */
export const PLANT_OF: Record<string, string> = {
  "rare-autorun": "run-key-autorun",
  "rare-service": "user-writable-service",
  "service-installed": "user-writable-service",
  "rare-task": "encoded-powershell-task",
  "task-created": "encoded-powershell-task",
  "rare-group-member": "new-local-admin",
  "group-member-added": "new-local-admin",
  "unusual-listener": "temp-listener",
  "logon-burst": "logon-burst",
  "log-cleared": "security-log-cleared",
  "defender-detection": "defender-detection",
};

/** High findings that back up a plant without naming one: right when the device has one of these plants. */
export const CORROBORATES: Record<string, readonly string[]> = {
  "user-writable-process": ["run-key-autorun", "user-writable-service", "temp-listener"],
};

/** The report's indicators under the answer key's names (only those the report knows for sure). */
const INDICATORS: Record<string, (f: ReportFinding) => Record<string, string | number>> = {
  "run-key-autorun": (f) => pick(f, { valueName: "name", path: "path" }),
  "user-writable-service": (f) => pick(f, { serviceName: "serviceName", path: "path" }),
  "encoded-powershell-task": (f) => pick(f, { taskName: "taskName" }),
  "new-local-admin": (f) => pick(f, { account: "account" }),
  "temp-listener": (f) => pick(f, { port: "port", pid: "pid", path: "path" }),
  "logon-burst": (f) => pick(f, { account: "account", sourceIp: "sourceIp", logonType: "logonType" }),
  "security-log-cleared": (f) => pick(f, { account: "account" }),
  "defender-detection": (f) => pick(f, { threat: "threat", path: "path" }),
};

function pick(f: ReportFinding, names: Record<string, string>): Record<string, string | number> {
  const out: Record<string, string | number> = {};
  for (const [key, field] of Object.entries(names)) if (f.details[field] !== undefined && f.details[field] !== "") out[key] = f.details[field];
  return out;
}

/** report.json of the version this checker reads (the package's TriageReportSchema documents it). */
export function loadReport(file: string): TriageReport {
  const raw = JSON.parse(fs.readFileSync(file, "utf8")) as TriageReport;
  if (raw?.schema !== "pulumi-mde-forensics/triage-report/v1") throw new Error(`${file} is not a triage report (schema pulumi-mde-forensics/triage-report/v1)`);
  return raw;
}

/**
 * The report's high findings as drill findings: one per device and plant kind (the first finding
 * of that kind gives the indicators). A corroborating finding on a device with a matching plant
 * adds nothing; on any other device it is returned as a finding of its own kind, which no plant
 * matches, so the checker counts it as a false positive.
 */
export function findingsFromReport(report: TriageReport, answerKey: Array<{ computerDnsName: string; kind: string }>): Finding[] {
  const out = new Map<string, Finding>();
  for (const f of report.findings.filter((x) => x.severity === "high")) {
    const device = f.computerDnsName.toLowerCase();
    const plant = PLANT_OF[f.kind];
    if (plant) {
      const key = `${device}|${plant}`;
      if (!out.has(key)) out.set(key, { device: f.computerDnsName, kind: plant, indicators: INDICATORS[plant](f) });
      continue;
    }
    const explained = (CORROBORATES[f.kind] ?? []).some((k) => answerKey.some((p) => p.computerDnsName.toLowerCase() === device && p.kind === k));
    if (!explained) out.set(`${device}|${f.kind}|${f.id}`, { device: f.computerDnsName, kind: f.kind, indicators: {} });
  }
  return [...out.values()];
}
