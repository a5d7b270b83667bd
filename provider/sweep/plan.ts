/**
 * What an update does to each machine, decided from the stored state and the new inputs alone
 * (pure, so `diff` and `update` agree and both are tested without MDE):
 *
 * - a machine added to the selection is collected;
 * - a machine removed from it is forgotten (its running collection cancelled only with cancelOnDelete);
 * - a machine of the current round is left alone once Succeeded (its package fetched if still
 *   missing), waited for while running, and collected again after Failed, TimeOut, Cancelled or
 *   a refused request: a finished collection is never requested again;
 * - a new round (comment or triggers changed) replaces every machine's collection: never by
 *   adopting the previous round's action, and only once that one has ended (see machine.ts).
 */
import { dirname, resolve } from "node:path";
import { RETRYABLE_FINAL_STATUSES } from "../api/schemas";
import { UNKNOWN } from "../resource/inputs";
import type { SweepInputs } from "./inputs";
import { markerFor } from "./marker";
import { type HeldEntry, heldEntries, isFinal, REQUEST_FAILED, type SweepState } from "./state";

export type MachineStep =
  /** Not collected yet in this round, or the last attempt failed: request (or adopt) one. */
  | { kind: "collect"; previous?: HeldEntry }
  /** This round's collection is still running: wait for it. */
  | { kind: "resume"; entry: HeldEntry }
  /** This round's collection succeeded but its package is not kept yet. */
  | { kind: "fetch"; entry: HeldEntry }
  /** Nothing to do. */
  | { kind: "keep"; entry: HeldEntry }
  /** A new round: supersede the previous round's collection, then request a new one. */
  | { kind: "replace"; previous: HeldEntry };

export interface SweepPlan {
  steps: Map<string, MachineStep>;
  /** Machines no longer selected, with what was stored for them. */
  removed: Map<string, HeldEntry>;
}

/** A machine is collected again after these: a collection without a package, or a request MDE refused. */
const RETRY: ReadonlySet<string> = new Set<string>([...RETRYABLE_FINAL_STATUSES, REQUEST_FAILED]);

export function planSweep(previous: SweepState | undefined, inputs: SweepInputs & { machineIds: string[] }): SweepPlan {
  const steps = new Map<string, MachineStep>();
  const old = previous ? heldEntries(previous) : new Map<string, HeldEntry>();
  const markerOf = markerFor(inputs);
  for (const id of inputs.machineIds) {
    steps.set(id, stepFor(old.get(id), markerOf(id), inputs));
  }
  const selected = new Set(inputs.machineIds);
  const removed = new Map([...old].filter(([id]) => !selected.has(id)));
  return { steps, removed };
}

function stepFor(entry: HeldEntry | undefined, marker: string, inputs: SweepInputs): MachineStep {
  if (!entry) return { kind: "collect" };
  if (entry.marker !== marker) return entry.actionId ? { kind: "replace", previous: entry } : { kind: "collect", previous: entry };
  if (RETRY.has(entry.status)) return { kind: "collect", previous: entry };
  if (!isFinal(entry.status)) return inputs.waitForCompletion ? { kind: "resume", entry } : { kind: "keep", entry };
  if (inputs.evidenceDirectory && !keptIn(entry.packagePath, inputs.evidenceDirectory)) return { kind: "fetch", entry: withoutPackage(entry) };
  return { kind: "keep", entry };
}

/** Packages are kept as `<folder>/<machine>-<action>.zip`; a new folder gets its own copy, as with a single collection. */
function keptIn(packagePath: string | undefined, folder: string): boolean {
  return packagePath !== undefined && dirname(packagePath) === resolve(folder);
}

function withoutPackage({ packagePath, packageSha256, ...rest }: HeldEntry): HeldEntry {
  return rest;
}

/** Settings that change how the sweep waits, keeps or cleans up, without a new round. */
const IN_PLACE = ["waitForCompletion", "timeoutMinutes", "evidenceDirectory", "cancelOnDelete", "maxMachines", "selection", "reportDirectory"] as const;

export interface SweepDiff {
  changes: boolean;
  /** Never anything: the sweep is updated in place, machine by machine. */
  replaces: string[];
  deleteBeforeReplace: false;
}

/**
 * `changes` is always set (left unset, the engine would compare inputs itself, the serialized
 * provider included). Unknown values during a preview count as changes.
 */
export function diffSweep(previous: SweepState, news: SweepInputs): SweepDiff {
  const none: SweepDiff = { changes: false, replaces: [], deleteBeforeReplace: false };
  const unknown = Object.values(news).some((v) => v === UNKNOWN) || Object.values(news.triggers ?? {}).some((v) => v === UNKNOWN);
  if (unknown || news.machineIds === UNKNOWN) return { ...none, changes: true };
  if (IN_PLACE.some((k) => JSON.stringify(previous[k]) !== JSON.stringify(news[k]))) return { ...none, changes: true };
  const plan = planSweep(previous, news as SweepInputs & { machineIds: string[] });
  const work = plan.removed.size > 0 || [...plan.steps.values()].some((s) => s.kind !== "keep");
  return { ...none, changes: work };
}
