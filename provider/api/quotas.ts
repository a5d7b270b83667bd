/**
 * MDE's documented per-API quotas and the pure sliding-window arithmetic behind the limiter.
 *
 * Why sliding windows: MDE counts calls "per minute" and "per hour"; a fixed window would let a
 * client burst twice the limit across a window boundary (p-queue's non-strict mode does exactly
 * that) and earn 429s, whose Retry-After then grows when retried early (common-errors.md).
 * Everything here is pure so the schedule can be tested to the millisecond.
 */
import { InvalidArgumentError } from "../util/error";

/** Groups of MDE calls that share a quota. */
export type ApiFamily = "collect" | "cancel" | "read" | "packageUri";
export const API_FAMILIES: readonly ApiFamily[] = ["collect", "cancel", "read", "packageUri"];

/** Calls allowed per sliding minute and per sliding hour. */
export interface FamilyQuota {
  perMinute: number;
  perHour: number;
}

export const MINUTE_MS = 60_000;
export const HOUR_MS = 3_600_000;

/**
 * Documented limits (mde-api.md §2, §4, §5, §6): 100/min and 1500/h for collect, cancel and the
 * machine/action reads; 2/min and 120/h for GetPackageUri.
 */
export const MDE_QUOTAS: Readonly<Record<ApiFamily, Readonly<FamilyQuota>>> = {
  collect: { perMinute: 100, perHour: 1500 },
  cancel: { perMinute: 100, perHour: 1500 },
  read: { perMinute: 100, perHour: 1500 },
  packageUri: { perMinute: 2, perHour: 120 },
};

/** One sliding window: at most `limit` grants within any `lengthMs` span. */
export interface QuotaWindow {
  limit: number;
  lengthMs: number;
}

/**
 * The windows for a quota. `timeScale` divides every window length, for emulators whose clock runs
 * `timeScale` times faster than ours (a minute of emulator time is then `60 s / timeScale` here).
 */
export function windowsFor(quota: FamilyQuota, timeScale = 1): QuotaWindow[] {
  if (!(timeScale > 0)) throw new InvalidArgumentError(`timeScale must be a positive number, got ${timeScale}`);
  return [
    { limit: quota.perMinute, lengthMs: MINUTE_MS / timeScale },
    { limit: quota.perHour, lengthMs: HOUR_MS / timeScale },
  ];
}

/**
 * Milliseconds from `nowMs` until one more grant fits every window, given earlier grant times
 * (ascending). A grant at `g` occupies its window until `g + lengthMs` (exclusive).
 */
export function waitTimeMs(grants: readonly number[], windows: readonly QuotaWindow[], nowMs: number): number {
  let wait = 0;
  for (const w of windows) {
    const first = firstIndexAfter(grants, nowMs - w.lengthMs);
    const inWindow = grants.length - first;
    if (inWindow >= w.limit) {
      const freeAt = grants[grants.length - w.limit] + w.lengthMs;
      wait = Math.max(wait, freeAt - nowMs);
    }
  }
  return wait;
}

/**
 * The instants at which the next `count` grants would happen if requested at `nowMs` in FIFO
 * order: lets a waiter be told its exact wait when it queues.
 */
export function nextGrantTimes(grants: readonly number[], windows: readonly QuotaWindow[], nowMs: number, count: number): number[] {
  const simulated = [...grants];
  const times: number[] = [];
  let t = nowMs;
  for (let i = 0; i < count; i++) {
    t += waitTimeMs(simulated, windows, t);
    simulated.push(t);
    times.push(t);
  }
  return times;
}

/** Drops grants no window can see any more, so memory stays bounded by the largest limit. */
export function pruneGrants(grants: number[], windows: readonly QuotaWindow[], nowMs: number): number[] {
  const longest = Math.max(...windows.map((w) => w.lengthMs));
  const first = firstIndexAfter(grants, nowMs - longest);
  return first === 0 ? grants : grants.slice(first);
}

/** Index of the first grant strictly later than `t` (binary search; grants are ascending). */
function firstIndexAfter(grants: readonly number[], t: number): number {
  let lo = 0;
  let hi = grants.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (grants[mid] > t) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}
