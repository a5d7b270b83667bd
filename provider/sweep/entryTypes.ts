/**
 * The shapes of a sweep's outputs, written out by hand and free of zod: the package's public
 * type declarations reach them (the `machines` and `counts` outputs of InvestigationSweep), and
 * zod's own declarations do not compile in consumer projects with classic settings
 * (`moduleResolution: node` without `esModuleInterop`). state.ts parses into exactly these
 * shapes; the compiler checks that the two agree.
 */
import { ACTION_STATUSES } from "../api/actionTypes";

/** A machine whose collection could not even be requested (e.g. the POST was refused). */
export const REQUEST_FAILED = "RequestFailed";
export const MACHINE_STATUSES = [...ACTION_STATUSES, REQUEST_FAILED] as const;
export type MachineStatus = (typeof MACHINE_STATUSES)[number];

/**
 * One machine. Only what differs from the usual is written (`adopted` only when true, `marker`
 * only when the action belongs to another round than the sweep's current one): a checkpoint
 * indents every line by 32 spaces at this depth, so each field costs 40 bytes before its value.
 */
export interface MachineEntry {
  /** The MDE action; null only when the request itself failed. */
  actionId: string | null;
  status: MachineStatus;
  /** The collection was already running on the device and was adopted, not requested. */
  adopted?: true;
  /** The round (sweep, machine, comment, triggers) of the action when it is not the sweep's current one: see marker.ts. */
  marker?: string;
  packageSha256?: string;
  packagePath?: string;
  /** Why the machine did not succeed, shortened. */
  error?: string;
}

/** Machines per status, every status present, plus `total`. */
export type SweepCounts = Record<MachineStatus | "total", number>;

/** Machines per status (every status present, zeros included) and in all. */
export function countByStatus(entries: Iterable<Pick<MachineEntry, "status">>): SweepCounts {
  const counts = Object.fromEntries([...MACHINE_STATUSES.map((s) => [s, 0]), ["total", 0]]) as SweepCounts;
  for (const e of entries) {
    counts.total++;
    if (e.status in counts) counts[e.status]++;
  }
  return counts;
}
