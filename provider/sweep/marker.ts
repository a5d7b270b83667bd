/**
 * The correlation marker of a sweep's collection: a short bracketed tag appended to the comment
 * MDE records with every collection the sweep requests, derived from the sweep, the machine and
 * the intent (comment and triggers). It tells which round a collection was requested for: a
 * machine whose stored marker differs from the current one needs a new collection.
 *
 * This is the sweep's one use of the marker: when the single collection gets its own marker
 * (the idempotency work), swap this function for that one and keep the call sites.
 */
import { createHash } from "node:crypto";

/** `[mde:` + 6 hex characters + `]`: 12 characters, appended after a space. */
export const MARKER_LENGTH = 12;

export interface MarkerSource {
  sweepName: string;
  machineId: string;
  comment: string;
  triggers: Record<string, string>;
}

/** The marker of one machine's collection for one intent. Pure: same inputs, same marker. */
export function sweepMarker(s: MarkerSource): string {
  const triggers = Object.keys(s.triggers)
    .sort()
    .map((k) => [k, s.triggers[k]]);
  const digest = createHash("sha256")
    .update(JSON.stringify([s.sweepName, s.machineId.toLowerCase(), s.comment.trim(), triggers]))
    .digest("hex");
  return `[mde:${digest.slice(0, 6)}]`;
}

/** The comment as POSTed: the user's comment, a space, the marker. */
export function markedComment(comment: string, marker: string): string {
  return `${comment.trim()} ${marker}`;
}

/** The current marker of each machine for a sweep's settings. */
export function markerFor(settings: { sweepName: string; comment: string; triggers: Record<string, string> }): (machineId: string) => string {
  return (machineId) => sweepMarker({ sweepName: settings.sweepName, machineId, comment: settings.comment, triggers: settings.triggers });
}
