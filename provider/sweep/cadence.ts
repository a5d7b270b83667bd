/**
 * How often a sweep polls, from how long its collect quota makes it last. A sweep's duration is
 * set by its last collections, so a short one polls young actions every second (with the single
 * collection's 5 s the tail alone would add up to 8% to a 100-machine sweep); a long one polls
 * less often, because each poll costs a read and MDE's read quota is also 1500 an hour: a
 * 10,000-machine sweep lasts 6.7 hours, and polling at the minute quota's pace would spend the
 * hour's reads in its first half and leave collections unobserved until their deadlines.
 */
import { type FamilyQuota, nextGrantTimes, windowsFor } from "../api/quotas";
import { DEFAULT_WATCHER_OPTIONS, type WatcherOptions } from "../resource/watcher";

/** Share of the quota bound allowed between a collection's end and the poll that sees it. */
const TAIL_SHARE = 1 / 500;
/** Share of the read quota the polls may use (the rest: adoption pre-checks, package actions, lookups). */
const READ_SHARE = 0.8;

/** The earliest the last collection of `machines` can be requested (ms), at the collect quota. */
export function collectScheduleMs(machines: number, collect: FamilyQuota): number {
  return machines > 0 ? nextGrantTimes([], windowsFor(collect), 0, machines).at(-1)! : 0;
}

export function sweepWatcherOptions(machines: number, quotas: { collect: FamilyQuota; read: FamilyQuota }): WatcherOptions {
  const durationMs = collectScheduleMs(machines, quotas.collect) + 65_000;
  const youngMs = Math.min(60_000, Math.max(1_000, Math.round((durationMs * TAIL_SHARE) / 1000) * 1000));
  // Within the hour's reads once the sweep outlasts an hour, within the minute's otherwise. A
  // sweep takes READ_SHARE, more than a single collection's half: its tail is when its last
  // collections end, and with 100 machines the poll rounds of two list calls at half the quota
  // came 2.4 s apart, 4% of a 65 s sweep.
  const perMinute = (durationMs > 3_600_000 ? quotas.read.perHour / 60 : quotas.read.perMinute) * READ_SHARE;
  return {
    ...DEFAULT_WATCHER_OPTIONS,
    intervalsByAgeMs: [
      [2 * 60_000, youngMs],
      [10 * 60_000, Math.max(5_000, youngMs)],
      [60 * 60_000, Math.max(30_000, youngMs)],
    ],
    pollCallsPerMinute: perMinute,
  };
}
