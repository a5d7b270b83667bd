/**
 * What a sweep stores: its settings once, and per machine only what the next `pulumi up` needs
 * to resume, retry or leave it alone (the action id, its status and round, the package). Kept
 * small on purpose: every checkpoint rewrites the whole state, so bytes per machine are paid
 * again at every step of every update (target: at most 600 bytes per machine).
 *
 * Parsed with zod wherever the provider reads it back (diff, update, delete, read), so a corrupt
 * state names the field instead of failing somewhere later.
 */
import { z } from "zod";
import { ACTION_STATUSES, type ActionStatus, FINAL_STATUSES } from "../api/schemas";
import { ForensicsError } from "../util/error";
import { countByStatus, MACHINE_STATUSES, type MachineEntry, type MachineStatus, REQUEST_FAILED, type SweepCounts } from "./entryTypes";
import { markerFor } from "./marker";

export { countByStatus, MACHINE_STATUSES, type MachineEntry, type MachineStatus, REQUEST_FAILED, type SweepCounts };

export const SWEEP_STATE_VERSION = 1;

/** One machine's stored entry (entryTypes.ts says what each field means). */
export const MachineEntrySchema = z.object({
  /** The MDE action; null only when the request itself failed. */
  actionId: z.string().nullable(),
  status: z.enum(MACHINE_STATUSES),
  /** The collection was already running on the device and was adopted, not requested. */
  adopted: z.literal(true).optional(),
  /** The round (sweep, machine, comment, triggers) of the action when it is not the sweep's current one: see marker.ts. */
  marker: z.string().optional(),
  packageSha256: z.string().optional(),
  packagePath: z.string().optional(),
  /** Why the machine did not succeed, shortened. */
  error: z.string().optional(),
});
// The hand-written public shape and the schema must agree, both ways.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : never) : never;
const entryShapesAgree: Same<z.infer<typeof MachineEntrySchema>, MachineEntry> = true;
void entryShapesAgree;

/** An entry in memory: its round always explicit. */
export type HeldEntry = MachineEntry & { marker: string };

export const SweepSettingsSchema = z.object({
  sweepName: z.string(),
  /** How the machines were selected, for messages (e.g. "tag 'finance'"). */
  selection: z.string(),
  comment: z.string(),
  triggers: z.record(z.string(), z.string()),
  waitForCompletion: z.boolean(),
  timeoutMinutes: z.number(),
  evidenceDirectory: z.string().nullable(),
  cancelOnDelete: z.boolean(),
  maxMachines: z.number(),
  /** Where the triage report goes after the collection (provider/report); null: no report. Absent in states stored before it existed. */
  reportDirectory: z.string().nullable().optional(),
});
export type SweepSettings = z.infer<typeof SweepSettingsSchema>;

export const SweepStateSchema = SweepSettingsSchema.extend({
  stateVersion: z.literal(SWEEP_STATE_VERSION),
  machines: z.record(z.string(), MachineEntrySchema),
  /** Machine id → device name, as selected: what a preview names a machine that leaves the selection by. Absent in older states. */
  devices: z.record(z.string(), z.string()).optional(),
  counts: z.record(z.string(), z.number()),
  /** report.html of the last run's triage report, when `reportDirectory` is set and it was made. */
  reportPath: z.string().nullable().optional(),
});
export type SweepState = z.infer<typeof SweepStateSchema>;

export class SweepStateError extends ForensicsError {
  override readonly name = "SweepStateError";
}

/** The stored outputs of a sweep, validated; `__provider` and unknown keys are dropped. */
export function parseSweepState(props: Record<string, unknown>): SweepState {
  const parsed = SweepStateSchema.safeParse(props);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  throw new SweepStateError(
    `the stored state of sweep '${String(props.sweepName ?? "?")}' is not valid at ${issue.path.map(String).join(".") || "(root)"}: ${issue.message}. ` +
      "Was it edited by hand? `pulumi stack export` shows it; `pulumi state delete` and a new `pulumi up` start the sweep afresh (running collections are adopted)",
  );
}


export function isFinal(status: string): boolean {
  return FINAL_STATUSES.has(status as ActionStatus);
}

/** The state to store: each entry's marker dropped where it is the sweep's current one. */
export function stateOf(settings: SweepSettings, machines: Record<string, HeldEntry>, reportPath: string | null = null): SweepState {
  const current = markerFor(settings);
  const compact = Object.fromEntries(
    Object.entries(machines).map(([id, { marker, ...e }]) => [id, marker === current(id) ? e : { ...e, marker }]),
  );
  return { stateVersion: SWEEP_STATE_VERSION, ...settings, machines: compact, counts: countByStatus(Object.values(machines)), reportPath };
}

/** The stored entries with their rounds made explicit. */
export function heldEntries(state: SweepState): Map<string, HeldEntry> {
  const stored = markerFor(state);
  return new Map(Object.entries(state.machines).map(([id, e]) => [id, { ...e, marker: e.marker ?? stored(id) }]));
}
