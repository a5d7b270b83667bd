/**
 * What one package says about its device, as parsed rows that each keep their place in the
 * package (path inside the ZIP and line or record number): the findings (findings/) cite these
 * places, so a reader can always go from a row of the report to the bytes.
 */
import type { Skipped } from "./parse/limits";
import type { SummaryForm } from "./parse/summaryReport";

/** Where a row came from inside the package. */
export interface Place { path: string; line?: number; record?: number; eventRecordId?: string }

export interface ProcessFact extends Place { name: string; pid?: number; ppid?: number; exe: string; commandLine: string }
export interface ServiceFact extends Place { name: string; displayName: string; state: string; startMode: string; pid?: number; pathName: string; startName: string }
export interface TaskFact extends Place { name: string; run: string; runAs: string; author: string }
export interface ProgramFact extends Place { name: string; version: string; vendor: string }
export interface AutorunFact extends Place { location: string; key: string; name: string; value: string }
export interface SocketFact extends Place { proto: string; local: string; port?: number; foreign: string; state: string; pid?: number }
export interface MemberFact extends Place { group: string; member: string }
export interface DetectionFact extends Place { threat: string; resource: string; time: string }
export interface CollectionFact extends Place { dataPoint: string; status: string; errorCode: string }

/** A Security event the findings look at (the rest are only counted). */
export interface SecurityEventFact extends Place { eventId: number; time: string; data: Record<string, string> }

export interface SecurityLogFacts {
  present: boolean;
  records: number;
  badChunks: number;
  badRecords: number;
  /** Per event id; 4624 also as "4624/3" and "4624/10" by logon type. */
  counts: Record<string, number>;
  /** Per hour (ISO, "2025-03-14T09"), per tracked event id. */
  hours: Record<string, Record<string, number>>;
  kept: SecurityEventFact[];
  firstTime?: string;
  lastTime?: string;
}

export interface PackageRef {
  /** File name of the ZIP in the evidence location. */
  file: string;
  sha256: string;
  sizeBytes: number;
}

export interface DeviceFacts {
  machineId: string;
  actionId: string;
  computerDnsName: string;
  package: PackageRef;
  platform: "windows" | "other";
  processes: ProcessFact[];
  services: ServiceFact[];
  tasks: TaskFact[];
  programs: ProgramFact[];
  autoruns: AutorunFact[];
  sockets: SocketFact[];
  members: MemberFact[];
  detections: DetectionFact[];
  collection: CollectionFact[];
  summaryForm: SummaryForm | "missing";
  security: SecurityLogFacts;
  /** Every file and every part of a file the parsers did not read, and why. */
  skipped: Skipped[];
  /** Paths of the entries of the ZIP (for the device view). */
  entries: number;
}

/** Event ids of the Security log a first look counts (mde-api.md §5a). */
export const TRACKED_EVENT_IDS = [4624, 4625, 4672, 4688, 4697, 4698, 4720, 4732, 1102] as const;
/** Of those, the ones kept as rows for findings and the timeline table (4624 only types 3 and 10). */
export const KEPT_EVENT_IDS = new Set([4624, 4625, 4697, 4698, 4720, 4732, 1102]);
