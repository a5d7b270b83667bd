/**
 * The physical limits the benchmark measures against, computed from MDE's documented quotas.
 */
import { collectionBound, grantTimesMs, packageLinkTimesMs, runBoundMs } from "../../bench/bounds";
import { planRun } from "../../bench/run";

const MIN = 60_000;

describe("quota lower bounds", () => {
  it("lets the first 100 collect POSTs go at once, then 100 per sliding minute", () => {
    const t = grantTimesMs(1000);
    expect(t.slice(0, 100).every((x) => x === 0)).toBe(true);
    expect(t[100]).toBe(MIN);
    expect(t[999]).toBe(9 * MIN);
    expect(collectionBound(1000, 65_000)).toEqual({ lastPostMs: 9 * MIN, allFinalMs: 9 * MIN + 65_000 });
    expect(collectionBound(10, 65_000)).toEqual({ lastPostMs: 0, allFinalMs: 65_000 });
  });

  it("applies the hourly cap past 1500: the 1501st POST waits for the first to leave the hour", () => {
    const t = grantTimesMs(1600);
    expect(t[1499]).toBe(14 * MIN);
    expect(t[1500]).toBe(60 * MIN);
    expect(t[1599]).toBe(60 * MIN);
  });

  it("issues package links two per sliding minute from when each package exists", () => {
    expect(packageLinkTimesMs(Array(5).fill(65_000))).toEqual([65_000, 65_000, 125_000, 125_000, 185_000]);
    // A package that exists late waits for itself, not for the window.
    expect(packageLinkTimesMs([0, 0, 200_000])).toEqual([0, 0, 200_000]);
    // 120 per hour: the 121st link waits for the first to leave the hour.
    const links = packageLinkTimesMs(Array(121).fill(0));
    expect(links[119]).toBe(59 * MIN);
    expect(links[120]).toBe(60 * MIN);
  });

  it("bounds whole runs: collections final, or every package's link issued after that", () => {
    expect(runBoundMs(1000, false, 65_000)).toBe(605_000);
    expect(runBoundMs(100, true, 65_000)).toBe(65_000 + 49 * MIN);
    expect(runBoundMs(10, true, 65_000)).toBe(65_000 + 4 * MIN);
  });

  it("gives every run a deadline of two bounds (at least the bound + 15 min) and as slow a clock as fits in 90 real seconds", () => {
    expect(planRun(1000, false)).toEqual({ boundMs: 605_000, deadlineMs: 1_505_000, timeScale: 16 });
    expect(planRun(10, false)).toEqual({ boundMs: 65_000, deadlineMs: 965_000, timeScale: 10 });
    const p = planRun(100, true);
    expect(p.deadlineMs / p.timeScale).toBeLessThanOrEqual(90_000);
    expect(p.boundMs / p.timeScale).toBeGreaterThanOrEqual(40_000);
  });
});
