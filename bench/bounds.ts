/**
 * The physical limits a run is measured against: MDE's documented quotas, applied as sliding
 * windows (as MDE counts them), with nothing else in the way.
 *
 * - Collections: the N-th collect POST cannot be accepted before the N-th grant of 100 per
 *   sliding minute and 1500 per sliding hour (the first 100 at once, the hour cap bites past
 *   1500), and no collection can be final before its device has done the work.
 * - Packages: the k-th download link cannot be issued before its package exists nor before the
 *   k-th grant of 2 per sliding minute and 120 per sliding hour.
 */
import { type FamilyQuota, MDE_QUOTAS, nextGrantTimes, waitTimeMs, windowsFor } from "../provider/api/quotas";

/** Instants (ms from the start) of the first `n` grants of `quota` when all are asked for at 0. */
export function grantTimesMs(n: number, quota: FamilyQuota = MDE_QUOTAS.collect): number[] {
  return nextGrantTimes([], windowsFor(quota), 0, n);
}

export interface CollectionBound {
  /** When the last collect POST can be accepted at the earliest. */
  lastPostMs: number;
  /** When the last collection can be final at the earliest: its POST plus the device's work. */
  allFinalMs: number;
}

/** `deviceMs`: how long a device takes from the POST to a final status (the emulator's plan for the fleet). */
export function collectionBound(n: number, deviceMs: number): CollectionBound {
  const lastPostMs = n > 0 ? grantTimesMs(n).at(-1)! : 0;
  return { lastPostMs, allFinalMs: lastPostMs + deviceMs };
}

/**
 * The earliest instant each package's link can be issued, given when each package became
 * available (ms from the start), serving packages in order of availability.
 */
export function packageLinkTimesMs(availableMs: readonly number[], quota: FamilyQuota = MDE_QUOTAS.packageUri): number[] {
  const windows = windowsFor(quota);
  const grants: number[] = [];
  for (const at of [...availableMs].sort((a, b) => a - b)) {
    const from = Math.max(at, grants.at(-1) ?? at);
    const t = from + waitTimeMs(grants, windows, from);
    grants.push(t);
  }
  return grants;
}

/**
 * The earliest a whole run can end: every collection final (collection runs), or every package's
 * link issued with the collections themselves at their bound (package runs).
 */
export function runBoundMs(n: number, packages: boolean, deviceMs: number): number {
  if (!packages) return collectionBound(n, deviceMs).allFinalMs;
  return packageLinkTimesMs(grantTimesMs(n).map((t) => t + deviceMs)).at(-1) ?? 0;
}
