/**
 * What a scenario says about the evidence inside its packages: how Windows text files are
 * encoded, which form CollectionSummaryReport.xls takes, how large the Security log grows, the
 * moment the devices' logs end, and the attacker traces planted on chosen devices (drills). The
 * answer key (scenario/plants.ts) follows from the plants alone, so it is known at load time.
 */
import { z } from "zod";

/** Each kind leaves the traces listed in emulator/packages/README.md, in every file that would show them. */
export const PLANT_KINDS = [
  "run-key-autorun",
  "user-writable-service",
  "encoded-powershell-task",
  "new-local-admin",
  "temp-listener",
  "logon-burst",
  "security-log-cleared",
  "defender-detection",
] as const;
export type PlantKind = (typeof PLANT_KINDS)[number];

/** The largest Security.evtx a scenario may ask for: big enough for the evidence path's benchmark, small enough for memory. */
export const MAX_SECURITY_LOG_MIB = 512;

export const PlantSchema = z.strictObject({
  /** A machine id or computerDnsName (scenario machines or generated fleet). */
  machine: z.string().min(1),
  kind: z.enum(PLANT_KINDS),
  /** When the trace was left, in hours before `evidence.collectedAt`. @default from the seed, within 3 days */
  hoursAgo: z.number().positive().max(24 * 30).optional(),
});
export type PlantInput = z.output<typeof PlantSchema>;

export const EvidenceSchema = z.strictObject({
  /** Encoding of every Windows .csv and .txt: PowerShell's UTF-16LE or UTF-8, both with a BOM and CRLF. */
  encoding: z.enum(["utf-16le", "utf-8"]).default("utf-16le"),
  /** CollectionSummaryReport.xls as an HTML table saved as .xls (the one form generated so far; BIFF8/OLE is not). */
  summaryReport: z.enum(["html"]).default("html"),
  /** Grow each Windows Security.evtx to about this size (64 KiB chunks of ordinary events). @default small (a few chunks) */
  securityLogMiB: z.number().positive().max(MAX_SECURITY_LOG_MIB).optional(),
  /** The moment the devices' logs end (the collection, as the evidence sees it): fixed, so the same seed gives the same bytes. */
  collectedAt: z.iso.datetime().default("2025-03-14T09:30:00Z"),
});
export type EvidenceSettings = z.output<typeof EvidenceSchema>;
export const EVIDENCE_DEFAULTS: EvidenceSettings = EvidenceSchema.parse({});
