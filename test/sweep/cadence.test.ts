/** How often a sweep requests and polls: within MDE's quotas however many machines it holds. */
import { MDE_QUOTAS } from "../../provider/api/quotas";
import { collectScheduleMs, sweepWatcherOptions } from "../../provider/sweep/cadence";

describe("polling cadence", () => {
  it("polls a short sweep's young actions every second, and paces a long one within the hour's reads", () => {
    expect(collectScheduleMs(100, MDE_QUOTAS.collect)).toBe(0);
    expect(collectScheduleMs(1000, MDE_QUOTAS.collect)).toBe(9 * 60_000);
    for (const n of [100, 1000]) {
      expect(sweepWatcherOptions(n, MDE_QUOTAS)).toMatchObject({ intervalsByAgeMs: [[120_000, 1_000], [600_000, 5_000], [3_600_000, 30_000]], pollCallsPerMinute: 80 });
    }
    const long = sweepWatcherOptions(10_000, MDE_QUOTAS);
    // 6.2 hours of POSTs: a poll at most every 45 s while young, 20 reads a minute (80% of 1500 an hour).
    expect(collectScheduleMs(10_000, MDE_QUOTAS.collect) / 3_600_000).toBeCloseTo(6.15, 1);
    expect(long.intervalsByAgeMs[0]).toEqual([120_000, 44_000]);
    expect(long.pollCallsPerMinute).toBe(20);
  });
});
