/**
 * The correlation marker of a sweep's collection: the single collection's marker
 * (../adoption/marker.ts), with the sweep and the machine as its owner and the sweep's comment
 * and triggers as its intent. It tells which round a collection was requested for: a machine
 * whose stored marker differs from the current one needs a new collection, and the adoption
 * pre-check finds a killed run's collection again by it (any status).
 */
import { correlationMarker, MARKER_LENGTH, withMarker } from "../adoption/marker";

export { MARKER_LENGTH };

export interface MarkerSource {
  sweepName: string;
  machineId: string;
  comment: string;
  triggers: Record<string, string>;
}

/** The marker of one machine's collection for one intent. Pure: same inputs, same marker. */
export function sweepMarker(s: MarkerSource): string {
  return correlationMarker(["InvestigationSweep", s.sweepName, s.machineId.toLowerCase()], { comment: s.comment, triggers: s.triggers });
}

/** The comment as POSTed: the user's comment, a space, the marker. */
export const markedComment = withMarker;

/** The current marker of each machine for a sweep's settings. */
export function markerFor(settings: { sweepName: string; comment: string; triggers: Record<string, string> }): (machineId: string) => string {
  return (machineId) => sweepMarker({ sweepName: settings.sweepName, machineId, comment: settings.comment, triggers: settings.triggers });
}
