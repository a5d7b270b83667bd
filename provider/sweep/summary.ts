/**
 * What a sweep reports: one row per machine and the number of collections in each status.
 * Pure functions of the collections' outputs, so they are tested without an engine.
 */
import { ACTION_STATUSES, type ActionStatus } from "../api/actionTypes";

/** One machine of a sweep, as in the sweep's `machines` output. */
export interface SweepMachineRow {
  machineId: string;
  computerDnsName: string | null;
  /** The child InvestigationPackageCollection's resource name. */
  resourceName: string;
  actionId: string;
  status: string;
  /** True when the collection was already running on the device and was adopted, not requested. */
  adopted: boolean;
  packageSha256: string | null;
  packagePath: string | null;
  packageSizeBytes: number | null;
}

/** Collections per status, every status present (0 when none), plus `total`. */
export type SweepCounts = Record<ActionStatus | "total", number>;

export function countByStatus(rows: ReadonlyArray<Pick<SweepMachineRow, "status">>): SweepCounts {
  const counts = Object.fromEntries([...ACTION_STATUSES.map((s) => [s, 0]), ["total", rows.length]]) as SweepCounts;
  for (const row of rows) {
    if ((ACTION_STATUSES as readonly string[]).includes(row.status)) counts[row.status as ActionStatus]++;
  }
  return counts;
}

/**
 * A child's resource name: the sweep's name and the machine id, so a machine keeps its
 * collection (and state) when others join or leave the selection.
 */
export function collectionName(sweepName: string, machineId: string): string {
  return `${sweepName}-${machineId.toLowerCase()}`;
}

/**
 * Advice when the engine's parallelism, not MDE's quota, would pace the sweep: each collection
 * holds one of Pulumi's `--parallel` slots while it waits for the device, so with fewer slots
 * than machines, collections start a few at a time instead of at 100 a minute.
 */
export function parallelismAdvice(machines: number, parallel: number | undefined): string | undefined {
  if (parallel === undefined || !(parallel > 0) || parallel >= machines) return undefined;
  return (
    `${machines} machines, but Pulumi runs ${parallel} resource operations at a time and each collection holds one while it waits: ` +
    `collections would start ${parallel} at a time instead of at the API's 100 a minute. Run \`pulumi up --parallel ${machines}\` (or more)`
  );
}
