/**
 * A device's collections as MDE lists them: the list call's filter and the local picks the
 * client itself needs (the running one to adopt on a 400, the one a lost POST created). Pure
 * functions over the wire entity, so adoption (../adoption) builds on them without the client
 * depending on adoption.
 */
import { odataString } from "./ids";
import { parseTimestamp } from "./responses";
import { ACTIVE_STATUSES, COLLECT_ACTION_TYPE, type MachineAction } from "./schemas";

/** The `$filter` for the collections (any status) of `machineIds`. */
export function collectionsFilter(machineIds: readonly string[]): string {
  const machines = machineIds.map((id) => `machineId eq ${odataString(id)}`).join(" or ");
  return `type eq ${odataString(COLLECT_ACTION_TYPE)} and (${machines})`;
}

/**
 * The collections of `machineId` among `actions`, newest first. Filtered again locally in case
 * the service ignores part of the filter.
 */
export function collectionsOf(actions: readonly MachineAction[], machineId: string): MachineAction[] {
  const id = machineId.toLowerCase();
  return actions
    .filter((a) => a.machineId.toLowerCase() === id && a.type === COLLECT_ACTION_TYPE)
    .sort((a, b) => (parseTimestamp(b.creationDateTimeUtc) ?? 0) - (parseTimestamp(a.creationDateTimeUtc) ?? 0));
}

/** The newest Pending or InProgress collection of `machineId`. */
export function newestRunning(actions: readonly MachineAction[], machineId: string): MachineAction | undefined {
  return collectionsOf(actions, machineId).find((a) => ACTIVE_STATUSES.has(a.status));
}

/**
 * The collection a POST with `comment` created, when its reply was lost: the newest carrying
 * exactly that comment, created no earlier than `notBeforeMs`, in any status.
 */
export function createdByRequest(actions: readonly MachineAction[], machineId: string, comment: string, notBeforeMs: number): MachineAction | undefined {
  return collectionsOf(actions, machineId).find((a) => {
    const created = parseTimestamp(a.creationDateTimeUtc);
    return (a.requestorComment ?? "").trim() === comment.trim() && (created === undefined || created >= notBeforeMs);
  });
}
