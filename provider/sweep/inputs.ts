/**
 * A sweep's inputs, validated in `check` with no API call. The settings it shares with a single
 * collection (comment, triggers, waits, evidence, cancelOnDelete) are validated by the single
 * collection's own schema, so both give the same messages; the machine list is checked here:
 * never empty, never more than `maxMachines`, each id well formed, each machine once.
 *
 * Machines selected by name, tag or filter are looked up by the program (a read, also during
 * preview) and arrive here as `devices`, machine id → device name (resource.ts). Kept as a map,
 * not a list, in the inputs Pulumi stores and diffs: `pulumi preview --diff` then shows each
 * machine added or removed by id and name, where a sorted list was compared position by
 * position (issue #21). A plain `machineIds` list is still accepted (names unknown: the id).
 */
import { z } from "zod";
import { MachineIdSchema } from "../api/schemas";
import { type CheckFailure, MAX_DECLARED_COMMENT_LENGTH, PreviewInputsSchema, UNKNOWN } from "../resource/inputs";
import { DEFAULT_MAX_MACHINES } from "./select";
import { type SweepSettings, SweepSettingsSchema } from "./state";
/** The comment leaves room for the marker within MDE's 1000: the single collection's rule, checked by its schema. */
export const MAX_SWEEP_COMMENT_LENGTH = MAX_DECLARED_COMMENT_LENGTH;

const SweepOwnSchema = z.object({
  sweepName: z.string({ error: "sweepName is required (the sweep's resource name)" }).min(1),
  selection: z.string().default("machine ids"),
  machineIds: z.union([z.literal(UNKNOWN), z.array(z.string(), { error: "machineIds must be a list of machine ids" })]),
  devices: z.union([z.literal(UNKNOWN), z.record(z.string(), z.string(), { error: "devices must map machine ids to device names" })]).optional(),
  maxMachines: z
    .number({ error: "maxMachines must be a number" })
    .int("maxMachines must be a whole number")
    .min(1, "maxMachines must be at least 1")
    .default(DEFAULT_MAX_MACHINES),
  reportDirectory: z.string({ error: "reportDirectory must be a folder path" }).min(1, "reportDirectory must not be empty").optional(),
});

export interface SweepInputs extends SweepSettings {
  /** Lower case, sorted, each once; or Pulumi's unknown sentinel during a preview. */
  machineIds: string[] | typeof UNKNOWN;
}

type Props = Record<string, unknown>;

export function checkSweepInputs(news: Props): { inputs: Props; failures: CheckFailure[] } {
  const { __provider, sweepName, selection, devices, maxMachines, reportDirectory, ...rest } = news;
  const { machineIds = devicesAsIds(devices), ...shared } = rest;
  const failures: CheckFailure[] = [];
  const own = SweepOwnSchema.safeParse({ sweepName, selection, machineIds, devices, maxMachines, reportDirectory: reportDirectory ?? undefined });
  // The single collection's schema, with a placeholder device: its device rules are the sweep's machine list here.
  const common = PreviewInputsSchema.safeParse({ ...shared, machineId: "0".repeat(40) });
  for (const issue of [...(own.success ? [] : own.error.issues), ...(common.success ? [] : common.error.issues)]) {
    failures.push({ property: issue.path.map(String).join(".") || "inputs", reason: issue.message });
  }
  if (own.success && own.data.reportDirectory && !shared.evidenceDirectory) failures.push({ property: "reportDirectory", reason: "a triage report is made from kept packages: set evidenceDirectory too" });
  if (!own.success || !common.success || failures.length > 0) return { inputs: news, failures };

  const c = common.data;
  const ids = own.data.machineIds === UNKNOWN ? UNKNOWN : normaliseIds(own.data.machineIds, own.data.selection, own.data.maxMachines, failures);
  const inputs: Props = {
    sweepName: own.data.sweepName,
    selection: own.data.selection,
    devices: ids === UNKNOWN || own.data.devices === UNKNOWN ? UNKNOWN : namesFor(ids, own.data.devices),
    maxMachines: own.data.maxMachines,
    comment: c.comment,
    triggers: c.triggers ?? {},
    waitForCompletion: c.waitForCompletion,
    timeoutMinutes: c.timeoutMinutes,
    evidenceDirectory: c.evidenceDirectory ?? null,
    cancelOnDelete: c.cancelOnDelete,
    reportDirectory: own.data.reportDirectory ?? null,
    __provider,
  };
  return { inputs, failures };
}

/** Lower-case, unique, sorted ids; failures for an empty list, too many machines or a malformed id. */
function normaliseIds(raw: string[], selection: string, maxMachines: number, failures: CheckFailure[]): string[] {
  const ids = new Set<string>();
  for (const [i, value] of raw.entries()) {
    const parsed = MachineIdSchema.safeParse(value);
    if (parsed.success) ids.add(parsed.data);
    else failures.push({ property: `machineIds.${i}`, reason: `'${String(value).slice(0, 60)}': ${parsed.error.issues[0].message}` });
  }
  if (raw.length === 0) {
    failures.push({
      property: "machineIds",
      reason: `${selection} selects no device. A sweep never selects nothing: an empty selection would forget every collection of this sweep`,
    });
  }
  if (ids.size > maxMachines) {
    failures.push({
      property: "machineIds",
      reason: `${selection} selects ${ids.size} devices, more than maxMachines (${maxMachines}); narrow the selection or raise maxMachines deliberately`,
    });
  }
  return [...ids].sort();
}

/** The ids of a `devices` map (undefined when absent, the sentinel when unknown). */
function devicesAsIds(devices: unknown): unknown {
  if (devices === undefined || devices === UNKNOWN || typeof devices !== "object" || devices === null) return devices;
  return Object.keys(devices);
}

/** Machine id → device name for the normalised ids; the id where no name is known. */
function namesFor(ids: string[], devices: Record<string, string> | undefined): Record<string, string> {
  const byId = new Map(Object.entries(devices ?? {}).map(([id, name]) => [id.toLowerCase(), name]));
  return Object.fromEntries(ids.map((id) => [id, byId.get(id) || id]));
}

/** The machine ids of checked inputs (a `devices` map, or a `machineIds` list stored by an older version). */
export function machineIdsOf(news: Props): string[] | typeof UNKNOWN {
  if (news.devices === UNKNOWN || news.machineIds === UNKNOWN) return UNKNOWN;
  if (news.devices && typeof news.devices === "object") return Object.keys(news.devices).sort();
  return z.array(z.string()).parse(news.machineIds ?? []);
}

/** The device names of checked inputs, by machine id; empty when unknown or not given. */
export function deviceNamesOf(news: Props): Record<string, string> {
  const parsed = z.record(z.string(), z.string()).safeParse(news.devices);
  return parsed.success ? parsed.data : {};
}

const KnownInputsSchema = SweepSettingsSchema.extend({ machineIds: z.array(z.string()) });

/** Inputs `check` accepted (create and update never see unknowns). */
export function parseSweepInputs(news: Props): SweepInputs & { machineIds: string[] } {
  const { __provider, devices, ...rest } = news;
  return KnownInputsSchema.parse({ ...rest, machineIds: machineIdsOf(news) });
}

export function settingsOf(inputs: SweepInputs): SweepSettings {
  const { machineIds, ...settings } = inputs;
  return settings;
}
