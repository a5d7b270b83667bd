/**
 * `pulumi-mde-forensics/report`: the triage report from code (what `mde-forensics report` runs)
 * and report.json's schema. An entry of its own, not the package's main one, because its types
 * are derived from the zod schema: the main entry's public types stay free of zod's declarations,
 * which classic consumers (no esModuleInterop) cannot type-check (test/consumers).
 */
export { createReport, type ReportOptions, type ReportResult } from "./run";
export { REPORT_SCHEMA, TriageReportSchema, type Finding, type TriageReport } from "./schema";
