/**
 * From the emulator's access log to the benchmark's numbers, on hand-made timelines.
 */
import { computeMetrics, duplicatePosts, packageMetrics, pollingMetrics, acceptedPosts } from "../../bench/metrics";
import { parseAccessLine, routeOf, type TimelineEntry } from "../../bench/timeline";

const M = (n: number) => n.toString(16).padStart(40, "0");
const A = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, "0")}`;

describe("parseAccessLine", () => {
  it("reads the emulator's access-log lines and classifies their routes", () => {
    const watch = parseAccessLine(
      `2026-01-01T00:00:00.000Z 1f0e ${"GET"} /api/machineactions?%24filter=id+eq+%27${A(1)}%27+or+id+eq+%27${A(2)}%27&%24top=2 200 3ms`,
      1234,
    );
    expect(watch).toEqual({ t: 1234, method: "GET", route: "listActions", status: 200, ids: [A(1), A(2)] });
    const filter = `type eq 'CollectInvestigationPackage' and (machineId eq '${M(1)}' or machineId eq '${M(2)}')`;
    const precheck = parseAccessLine(`x y GET /api/machineactions?${new URLSearchParams({ $filter: filter })} 200 1ms`, 0);
    expect(precheck?.machineIds).toEqual([M(1), M(2)]);
    expect(precheck?.ids).toBeUndefined();
    expect(parseAccessLine(`x y POST /api/machines/${M(3).toUpperCase()}/collectInvestigationPackage 429 1ms`, 5)).toEqual({
      t: 5, method: "POST", route: "collect", status: 429, machineId: M(3),
    });
    expect(parseAccessLine("x y GET /safedownload/WDATP_Investigation_Package.zip?token=REDACTED reset 2ms", 0)?.status).toBe("reset");
    expect(parseAccessLine("x y GET /_emulator/counters 200 1ms", 0)).toBeUndefined();
    expect(parseAccessLine("warning: something", 0)).toBeUndefined();
  });

  it.each([
    ["GET", "/api/machineactions/abc", "getAction"],
    ["GET", "/api/v1.0/machineactions/abc/GetPackageUri", "getPackageUri"],
    ["GET", "/api/machines/findbytag", "findMachinesByTag"],
    ["GET", "/api/machines", "listMachines"],
    ["GET", "/api/machines/abc", "getMachine"],
    ["POST", "/api/machineactions/abc/cancel", "cancel"],
    ["POST", "/tenant/oauth2/v2.0/token", "token"],
  ])("%s %s is %s", (method, path, route) => {
    expect(routeOf(method, path)).toBe(route);
  });
});

const post = (t: number, m: number, status: number): TimelineEntry => ({ t, method: "POST", route: "collect", status, machineId: M(m) });
/** A watcher call asking for actions from..from+n-1. */
const watch = (t: number, n: number, from = 0): TimelineEntry => ({ t, method: "GET", route: "listActions", status: 200, ids: Array.from({ length: n }, (_, i) => A(from + i)) });

describe("metrics", () => {
  it("counts POSTs after an accepted one as duplicates, not POSTs refused before it", () => {
    const tl = [post(0, 1, 429), post(60_000, 1, 201), post(61_000, 1, 400), post(0, 2, 201)];
    expect(duplicatePosts(tl)).toBe(1);
    expect(acceptedPosts(tl)).toEqual(new Map([[M(1), 60_000], [M(2), 0]]));
  });

  it("groups watcher calls into rounds and finds rounds with more calls than ceil(ids/50)", () => {
    const optimal = [watch(5_000, 50), watch(5_100, 50, 50), watch(5_200, 20, 100), watch(10_000, 50), watch(10_100, 30, 50)];
    expect(pollingMetrics(optimal)).toEqual({ listCalls: 5, rounds: 2, maxExtraCallsPerRound: 0, meanIdsPerCall: 40, preCheckCalls: 0 });
    // A slow round (its calls 2 s apart) is still one round; the next one re-asks for the same actions.
    const slow = [watch(5_000, 50), watch(7_000, 50, 50), watch(9_500, 50), watch(9_600, 50, 50)];
    expect(pollingMetrics(slow)).toMatchObject({ rounds: 2, maxExtraCallsPerRound: 0 });
    const wasteful = [watch(5_000, 10), watch(5_100, 10, 10), watch(5_200, 10, 20)];
    expect(pollingMetrics(wasteful).maxExtraCallsPerRound).toBe(2);
  });

  it("measures package retrieval from the first package available, and counts unused links as wasted", () => {
    const tl: TimelineEntry[] = [
      post(0, 1, 201), post(0, 2, 201), post(0, 3, 201),
      { t: 65_000, method: "GET", route: "getPackageUri", status: 200 },
      { t: 65_500, method: "GET", route: "download", status: 200 },
      { t: 66_000, method: "GET", route: "getPackageUri", status: 200 },
      { t: 66_000, method: "GET", route: "getPackageUri", status: 429 },
      { t: 66_500, method: "GET", route: "download", status: 200 },
      { t: 126_000, method: "GET", route: "getPackageUri", status: 200 },
      { t: 126_000, method: "GET", route: "getPackageUri", status: 200 },
      { t: 126_600, method: "GET", route: "download", status: 200 },
    ];
    const outcomes = [1, 2, 3].map((m) => ({ machineId: M(m), ok: true, packageKept: true, finishedMs: 126_600 }));
    const p = packageMetrics({ timeline: tl, deviceMs: 65_000, outcomes }, acceptedPosts(tl));
    expect(p).toMatchObject({ kept: 3, downloads: 3, linksIssued: 4, linkCalls: 5, wastedLinks: 1, firstAvailableMin: 1.08, retrievalMin: 1.03, boundMin: 1 });
    expect(p.ratio).toBeCloseTo(1.027, 3);
  });

  it("puts a run against its bound, with calls per collection by route", () => {
    const tl = [post(0, 1, 201), post(0, 2, 201), watch(5_000, 2), watch(70_000, 2), { t: -1, method: "POST", route: "token", status: 200 } as TimelineEntry];
    const m = computeMetrics({
      policy: "ours", label: "ours", machines: 2, packages: false, timeScale: 10, deviceMs: 65_000, wallMs: 70_000, realMs: 7_000,
      deadlineMs: 900_000, stopped: false, timeline: tl,
      outcomes: [M(1), M(2)].map((machineId) => ({ machineId, ok: true, finishedMs: 70_000 })),
    });
    expect(m).toMatchObject({ collected: 2, failed: 0, wallMin: 1.17, boundMin: 1.08, ratio: 1.077, lastPostMin: 0, tooManyRequests: 0, duplicatePosts: 0 });
    expect(m.callsPerCollection).toEqual({ collect: 1, listActions: 1 });
    expect(m.calls).not.toHaveProperty("token");
  });
});
