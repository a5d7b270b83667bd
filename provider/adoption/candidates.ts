/**
 * Which of a device's collections a create may take instead of requesting one: the pure part of
 * adoption. Every lookup lists the device's collections in ANY status MDE still lists (not only
 * Pending/InProgress), because a collection this declaration requested in a killed run, or by a
 * POST whose reply was lost, may have finished since; it is still ours and must not be requested
 * again.
 */
import { collectionsOf } from "../api/collections";
import { ACTIVE_STATUSES, type MachineAction, RETRYABLE_FINAL_STATUSES } from "../api/schemas";
import { markerOf, parseMarker } from "./marker";

/** What a create finds on its device before requesting anything. */
export interface PreCheck {
  /** This declaration's own collection (its marker), still running or Succeeded: resume it. */
  own?: MachineAction;
  /**
   * The newest collection of an earlier round of the same owner (its marker with another intent),
   * or one the caller says a resource being replaced held. Never adopted.
   */
  previous?: MachineAction;
  /** The newest running collection that is neither: someone else's, adopted as before. */
  foreign?: MachineAction;
}

/**
 * Sorts a device's collections for a create carrying `marker`. `released` are action ids held by
 * resources deleted in this run (a replacement's old collection, even one without a marker).
 */
export function classify(actions: readonly MachineAction[], machineId: string, marker: string, released: ReadonlySet<string> = new Set()): PreCheck {
  const mine = parseMarker(marker);
  const result: PreCheck = {};
  for (const a of collectionsOf(actions, machineId)) {
    const tag = markerOf(a.requestorComment);
    const sameOwner = tag?.owner === mine.owner;
    if (sameOwner && tag.intent === mine.intent) {
      if (!RETRYABLE_FINAL_STATUSES.has(a.status)) result.own ??= a;
    } else if (sameOwner || released.has(a.id)) {
      result.previous ??= a;
    } else if (ACTIVE_STATUSES.has(a.status)) {
      result.foreign ??= a;
    }
  }
  return result;
}
