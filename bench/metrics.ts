/**
 * From one run's timeline, the emulator's counters and the policy's outcomes to the numbers in
 * the results. Pure, so each definition below is tested on hand-made timelines.
 *
 * Definitions (all times emulated, from the moment the policy started):
 * - wall: when the policy was done with its last machine;
 * - bound: `runBoundMs`: every collection final at the collect quota, and for package runs
 *   every link issued at the GetPackageUri quota after that;
 * - retrieval: from the first package available (its accepted POST + device time) to the last
 *   download, against the GetPackageUri bound for the same availability;
 * - stopped: machines the policy had not finished when the run's deadline stopped it;
 * - duplicate POSTs: collect POSTs to a machine after one was accepted for it;
 * - poll round: consecutive watcher list calls (filter on action ids) asking for distinct
 *   actions and starting within 90% of the shortest poll interval; a round is optimal when it
 *   makes ceil(ids / 50) calls;
 * - wasted links: download links issued (GetPackageUri 200) beyond the packages kept.
 */
import { collectionBound, packageLinkTimesMs, runBoundMs } from "./bounds";
import type { MachineOutcome } from "./policies/types";
import { ok, type RouteKind, type TimelineEntry } from "./timeline";

export const MINUTE = 60_000;
/** A poll round spans less than this (90% of the watcher's shortest interval, 5 s). */
export const ROUND_SPAN_MS = 4_500;
export const WATCH_CHUNK = 50;

export interface PollingMetrics {
  /** Watcher list calls (filter on action ids). */
  listCalls: number;
  rounds: number;
  /** Largest excess of a round's calls over ceil(ids / 50); 0 meets the target. */
  maxExtraCallsPerRound: number;
  meanIdsPerCall: number;
  /** Adoption pre-check list calls (filter on machine ids). */
  preCheckCalls: number;
}

export interface PackageMetrics {
  /** Packages the policy reports kept (downloaded in full). */
  kept: number;
  downloads: number;
  linksIssued: number;
  linkCalls: number;
  wastedLinks: number;
  firstAvailableMin: number;
  /** From the first package available to the last one downloaded. */
  retrievalMin: number;
  /** The same span at the 2/min, 120/h bound. */
  boundMin: number;
  ratio: number;
}

/** The bench process's memory while the policy ran (MiB): at its start and at its peak. */
export interface MemoryPeak {
  startRssMiB: number;
  startHeapMiB: number;
  peakRssMiB: number;
  peakHeapMiB: number;
}

export interface RunMetrics {
  policy: string;
  label: string;
  machines: number;
  mode: "collect" | "packages";
  timeScale: number;
  collected: number;
  failed: number;
  wallMin: number;
  boundMin: number;
  /** wall / bound; 1 is the physical limit. */
  ratio: number;
  lastPostMin: number | null;
  postBoundMin: number;
  calls: Partial<Record<RouteKind, number>>;
  callsPerCollection: Partial<Record<RouteKind, number>>;
  tooManyRequests: number;
  tooManyByRoute: Partial<Record<RouteKind, number>>;
  duplicatePosts: number;
  polling: PollingMetrics;
  packages?: PackageMetrics;
  realSeconds: number;
  /** The run was stopped at its deadline (emulated minutes), with `unfinished` machines left. */
  deadlineMin: number;
  stopped: boolean;
  unfinished: number;
  /** A few failure messages, for the reader. */
  sampleErrors: string[];
  memory?: MemoryPeak;
}

export interface RunInput {
  policy: string;
  label: string;
  machines: number;
  packages: boolean;
  timeScale: number;
  deviceMs: number;
  wallMs: number;
  realMs: number;
  deadlineMs: number;
  stopped: boolean;
  timeline: readonly TimelineEntry[];
  outcomes: readonly MachineOutcome[];
  memory?: MemoryPeak;
}

const round = (x: number, digits = 2) => Math.round(x * 10 ** digits) / 10 ** digits;

export function computeMetrics(run: RunInput): RunMetrics {
  const api = run.timeline.filter((e) => e.route !== "token" && e.route !== "other");
  const calls: Partial<Record<RouteKind, number>> = {};
  const tooManyByRoute: Partial<Record<RouteKind, number>> = {};
  for (const e of api) {
    calls[e.route] = (calls[e.route] ?? 0) + 1;
    if (e.status === 429) tooManyByRoute[e.route] = (tooManyByRoute[e.route] ?? 0) + 1;
  }
  const collected = run.outcomes.filter((o) => o.ok).length;
  const perCollection = Object.fromEntries(Object.entries(calls).map(([k, v]) => [k, round(v / Math.max(1, run.machines), 3)]));
  const accepted = acceptedPosts(run.timeline);
  const bound = collectionBound(run.machines, run.deviceMs);
  const lastPost = accepted.size > 0 ? Math.max(...accepted.values()) : null;
  const packages = run.packages ? packageMetrics(run, accepted) : undefined;
  const boundMs = runBoundMs(run.machines, run.packages, run.deviceMs);
  return {
    policy: run.policy,
    label: run.label,
    machines: run.machines,
    mode: run.packages ? "packages" : "collect",
    timeScale: run.timeScale,
    collected,
    failed: run.outcomes.length - collected,
    wallMin: round(run.wallMs / MINUTE),
    boundMin: round(boundMs / MINUTE),
    ratio: round(run.wallMs / boundMs, 3),
    lastPostMin: lastPost === null ? null : round(lastPost / MINUTE),
    postBoundMin: round(bound.lastPostMs / MINUTE),
    calls,
    callsPerCollection: perCollection,
    tooManyRequests: Object.values(tooManyByRoute).reduce((a, b) => a + b, 0),
    tooManyByRoute,
    duplicatePosts: duplicatePosts(run.timeline),
    polling: pollingMetrics(run.timeline),
    packages,
    realSeconds: round(run.realMs / 1000, 1),
    deadlineMin: round(run.deadlineMs / MINUTE),
    stopped: run.stopped,
    unfinished: run.outcomes.filter((o) => o.unfinished).length,
    sampleErrors: [...new Set(run.outcomes.filter((o) => o.error).map((o) => o.error!))].slice(0, 3),
    ...(run.memory ? { memory: run.memory } : {}),
  };
}

/** Machine → emulated time of its first accepted collect POST. */
export function acceptedPosts(timeline: readonly TimelineEntry[]): Map<string, number> {
  const accepted = new Map<string, number>();
  for (const e of timeline) {
    if (e.route === "collect" && ok(e) && e.machineId && !accepted.has(e.machineId)) accepted.set(e.machineId, e.t);
  }
  return accepted;
}

export function duplicatePosts(timeline: readonly TimelineEntry[]): number {
  const accepted = new Set<string>();
  let duplicates = 0;
  for (const e of timeline) {
    if (e.route !== "collect" || !e.machineId) continue;
    if (accepted.has(e.machineId)) duplicates++;
    else if (ok(e)) accepted.add(e.machineId);
  }
  return duplicates;
}

export function pollingMetrics(timeline: readonly TimelineEntry[]): PollingMetrics {
  const watch = timeline.filter((e) => e.route === "listActions" && e.ids);
  const rounds: TimelineEntry[][] = [];
  let seen = new Set<string>();
  for (const e of watch) {
    const last = rounds.at(-1);
    if (last && e.t - last[0].t < ROUND_SPAN_MS && !e.ids!.some((id) => seen.has(id))) {
      last.push(e);
    } else {
      rounds.push([e]);
      seen = new Set();
    }
    for (const id of e.ids!) seen.add(id);
  }
  const ids = watch.reduce((n, e) => n + e.ids!.length, 0);
  return {
    listCalls: watch.length,
    rounds: rounds.length,
    maxExtraCallsPerRound: Math.max(0, ...rounds.map((r) => r.length - Math.ceil(r.reduce((n, e) => n + e.ids!.length, 0) / WATCH_CHUNK))),
    meanIdsPerCall: watch.length > 0 ? round(ids / watch.length, 1) : 0,
    preCheckCalls: timeline.filter((e) => e.route === "listActions" && e.machineIds).length,
  };
}

export function packageMetrics(run: Pick<RunInput, "timeline" | "deviceMs" | "outcomes">, accepted: Map<string, number>): PackageMetrics {
  const available = [...accepted.values()].map((t) => t + run.deviceMs).sort((a, b) => a - b);
  const links = run.timeline.filter((e) => e.route === "getPackageUri");
  const linksIssued = links.filter(ok).length;
  const downloads = run.timeline.filter((e) => e.route === "download" && ok(e));
  const kept = run.outcomes.filter((o) => o.packageKept).length;
  const first = available[0] ?? 0;
  const bound = packageLinkTimesMs(available);
  const lastDownload = downloads.length > 0 ? downloads.at(-1)!.t : first;
  const retrieval = lastDownload - first;
  const boundSpan = (bound.at(-1) ?? first) - first;
  return {
    kept,
    downloads: downloads.length,
    linksIssued,
    linkCalls: links.length,
    wastedLinks: Math.max(0, linksIssued - kept),
    firstAvailableMin: round(first / MINUTE),
    retrievalMin: round(retrieval / MINUTE),
    boundMin: round(boundSpan / MINUTE),
    ratio: boundSpan > 0 ? round(retrieval / boundSpan, 3) : 1,
  };
}
