/**
 * report.json: the triage report as data, for tools and for the drill's checker. Versioned by
 * `schema`; a reader checks it with {@link TriageReportSchema}. Documented field by field in
 * docs/report.md. Every finding carries its evidence: the package's SHA-256 and file, the path
 * inside the ZIP and the line (text, CSV: the row's first line, header = 1) or record (EVTX:
 * 1-based position in the file) where the bytes are.
 */
import { z } from "zod";

export const REPORT_SCHEMA = "pulumi-mde-forensics/triage-report/v1";

/** A responder's order, not a parser's (issue #23): the page and report.json list findings in this order. */
export const CATEGORIES = ["rarity", "network", "process", "group", "security-log", "defender", "collection"] as const;
export const SEVERITIES = ["high", "medium", "low"] as const;

export const EvidenceRefSchema = z.strictObject({
  packageSha256: z.string(),
  package: z.string(),
  path: z.string(),
  line: z.number().int().positive().optional(),
  record: z.number().int().positive().optional(),
  /** EVTX: the record's EventRecordID, the number Event Viewer and evtxexport show (differs from `record` once a log wrapped or was cleared). */
  eventRecordId: z.string().optional(),
});

export const FindingSchema = z.strictObject({
  id: z.string(),
  category: z.enum(CATEGORIES),
  /** What was found, e.g. `rare-autorun`, `unusual-listener`, `logon-burst` (docs/report.md lists them). */
  kind: z.string(),
  /** high: a trace an attacker leaves, worth acting on; medium: unusual, look at it; low: context. */
  severity: z.enum(SEVERITIES),
  machineId: z.string(),
  computerDnsName: z.string(),
  title: z.string(),
  /** The indicators (path, PID, port, account, threat…), as strings or numbers. */
  details: z.record(z.string(), z.union([z.string(), z.number()])),
  /** For rarity: every device that has the same item (few by definition). */
  hosts: z.array(z.string()).optional(),
  evidence: z.array(EvidenceRefSchema).min(1),
});

export const SkippedSchema = z.strictObject({ path: z.string(), reason: z.string(), line: z.number().optional() });

export const PackageEntrySchema = z.strictObject({
  file: z.string(),
  machineId: z.string(),
  actionId: z.string(),
  computerDnsName: z.string(),
  sha256: z.string(),
  sizeBytes: z.number(),
  /** False when the package failed its manifest, hash, custody or ZIP check: nothing was read from it. */
  verified: z.boolean(),
  problems: z.array(z.string()),
  skipped: z.array(SkippedSchema),
  security: z.strictObject({
    present: z.boolean(),
    records: z.number(),
    badChunks: z.number(),
    badRecords: z.number(),
    counts: z.record(z.string(), z.number()),
    firstTime: z.string().optional(),
    lastTime: z.string().optional(),
  }),
  findings: z.strictObject({ high: z.number(), medium: z.number(), low: z.number() }),
});

export const TriageReportSchema = z.strictObject({
  schema: z.literal(REPORT_SCHEMA),
  generatedAt: z.string(),
  tool: z.strictObject({ name: z.string(), version: z.string() }),
  location: z.string(),
  /** Problems of the location as a whole (the custody chain), from the same checks as `mde-forensics verify`. */
  problems: z.array(z.string()),
  fleet: z.strictObject({
    packages: z.number(),
    verified: z.number(),
    unverified: z.number(),
    /** Verified Windows packages: the devices rarity is measured among. */
    windows: z.number(),
    /** False when there are too few Windows devices (at most rareMaxHosts) to tell rare from common: no rarity findings. */
    baseline: z.boolean(),
    /** A finding is "rare" when its item is on at most this many devices: max(2, 1% of the verified fleet). */
    rareMaxHosts: z.number(),
  }),
  packages: z.array(PackageEntrySchema),
  findings: z.array(FindingSchema),
  /** Tracked Security events per hour across the fleet: `hours[i]` is the hour (UTC, ISO "YYYY-MM-DDTHH"), `series[id][i]` its count. */
  timeline: z.strictObject({ hours: z.array(z.string()), series: z.record(z.string(), z.array(z.number())) }),
});

export type EvidenceRef = z.infer<typeof EvidenceRefSchema>;
export type Finding = z.infer<typeof FindingSchema>;
export type Category = Finding["category"];
export type Severity = Finding["severity"];
export type PackageEntry = z.infer<typeof PackageEntrySchema>;
export type TriageReport = z.infer<typeof TriageReportSchema>;
