/**
 * Table-driven diff. `olds` are the previous *outputs* (Pulumi gives dynamic providers no old
 * inputs), which is why every input is also an output. `changes` is always set: left unset, the
 * engine would compare inputs itself, `__provider` included, and any edit to the provider code
 * would show as an update of every collection.
 */
import { type ActionStatus, FINAL_STATUSES, RETRYABLE_FINAL_STATUSES } from "../api/schemas";
import { UNKNOWN } from "./inputs";
import type { CollectionOutputs } from "./state";

/** A new value for any of these means a new collection. */
export const REPLACE_ON_CHANGE = ["device", "comment", "triggers"] as const;
/** These only change how we wait, keep or clean up: updated in place. */
export const UPDATE_IN_PLACE = ["waitForCompletion", "timeoutMinutes", "evidenceDirectory", "cancelOnDelete"] as const;

export interface DiffResult {
  changes: boolean;
  replaces: string[];
  deleteBeforeReplace: boolean;
}

type Props = Record<string, unknown>;

const DEFAULTS: Props = { waitForCompletion: true, timeoutMinutes: 60, cancelOnDelete: false, triggers: {} };

/** `olds`: the stored outputs, parsed (./state.ts); `news`: the inputs `check` accepted. */
export function diffCollection(olds: Partial<CollectionOutputs>, news: Props): DiffResult {
  const replaces: string[] = [];
  for (const key of REPLACE_ON_CHANGE) {
    if (key === "device") replaces.push(...deviceChanges(olds, news));
    else if (!same(olds[key], news[key] ?? DEFAULTS[key])) replaces.push(key);
  }
  if (olds.status !== undefined && RETRYABLE_FINAL_STATUSES.has(olds.status) && replaces.length === 0) {
    // The engine keeps the failed collection (it failed to initialise); replacing it starts anew.
    replaces.push("status");
  }
  const updates = UPDATE_IN_PLACE.filter((key) => !same(olds[key] ?? DEFAULTS[key] ?? null, news[key] ?? DEFAULTS[key] ?? null));
  const stillWaiting = !isFinal(olds.status) && news.waitForCompletion !== false;
  const evidenceMissing = olds.status === "Succeeded" && news.evidenceDirectory !== undefined && !olds.packagePath;
  const changes = replaces.length > 0 || updates.length > 0 || stillWaiting || evidenceMissing;
  // A device runs one collection at a time: while the old one is still running, it is deleted
  // (and cancelled, with cancelOnDelete) before the new one is requested.
  const deleteBeforeReplace = replaces.length > 0 && !isFinal(olds.status);
  return { changes, replaces, deleteBeforeReplace };
}

/** A status not stored (a partial state) counts as not final, as it always has. */
const isFinal = (status: ActionStatus | undefined) => status !== undefined && FINAL_STATUSES.has(status);

/**
 * The device changed if the new id differs from the resolved one, or if a device name differs
 * (case-insensitively) from the name MDE reported. A name that is not known yet counts as a change.
 */
function deviceChanges(olds: Partial<CollectionOutputs>, news: Props): string[] {
  if (news.machineId !== undefined) {
    return news.machineId === UNKNOWN || String(news.machineId).toLowerCase() !== String(olds.machineId).toLowerCase()
      ? ["machineId"]
      : [];
  }
  if (news.computerDnsName !== undefined) {
    const before = String(olds.computerDnsName ?? "").toLowerCase().replace(/\.$/, "");
    const after = String(news.computerDnsName).toLowerCase().replace(/\.$/, "");
    return news.computerDnsName === UNKNOWN || before !== after ? ["computerDnsName"] : [];
  }
  return [];
}

function same(a: unknown, b: unknown): boolean {
  if (a === UNKNOWN || b === UNKNOWN) return false;
  return JSON.stringify(sortKeys(a ?? null)) === JSON.stringify(sortKeys(b ?? null));
}

function sortKeys(v: unknown): unknown {
  if (v && typeof v === "object" && !Array.isArray(v)) {
    return Object.fromEntries(Object.entries(v).sort(([a], [b]) => a.localeCompare(b)).map(([k, x]) => [k, sortKeys(x)]));
  }
  return v;
}
