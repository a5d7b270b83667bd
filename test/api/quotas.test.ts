import { HOUR_MS, MDE_QUOTAS, MINUTE_MS, nextGrantTimes, pruneGrants, waitTimeMs, windowsFor } from "../../provider/api/quotas";

describe("sliding-window arithmetic", () => {
  const packageUri = windowsFor(MDE_QUOTAS.packageUri);
  const read = windowsFor(MDE_QUOTAS.read);

  it("uses the documented limits: 100/min and 1500/h, and 2/min and 120/h for GetPackageUri", () => {
    expect(read).toEqual([
      { limit: 100, lengthMs: 60_000 },
      { limit: 1500, lengthMs: 3_600_000 },
    ]);
    expect(packageUri).toEqual([
      { limit: 2, lengthMs: 60_000 },
      { limit: 120, lengthMs: 3_600_000 },
    ]);
  });

  it("frees a slot exactly one window after the grant that filled it", () => {
    expect(waitTimeMs([0, 0], packageUri, 0)).toBe(60_000);
    expect(waitTimeMs([0, 10_000], packageUri, 30_000)).toBe(30_000);
    expect(waitTimeMs([0, 10_000], packageUri, 60_000)).toBe(0);
  });

  it("is sliding, not fixed: two grants at 59 s still block until 119 s", () => {
    // A fixed minute window would reset at 60 s and allow 4 calls within 2 seconds.
    expect(waitTimeMs([59_000, 59_500], packageUri, 60_000)).toBe(59_000);
  });

  it("applies the hourly window when the minute window has room", () => {
    const grants = Array.from({ length: 1500 }, (_, i) => i * 2000); // one every 2 s for 50 min
    const now = 3_000_000;
    expect(waitTimeMs(grants, read, now)).toBe(HOUR_MS - now); // until the first grant leaves the hour
  });

  it("predicts the FIFO schedule of queued grants", () => {
    expect(nextGrantTimes([], packageUri, 0, 5)).toEqual([0, 0, 60_000, 60_000, 120_000]);
  });

  it("divides window lengths by timeScale for time-scaled emulators", () => {
    expect(windowsFor(MDE_QUOTAS.packageUri, 60)).toEqual([
      { limit: 2, lengthMs: 1000 },
      { limit: 120, lengthMs: 60_000 },
    ]);
    expect(() => windowsFor(MDE_QUOTAS.read, 0)).toThrow(/positive/);
  });

  it("forgets grants older than the longest window", () => {
    expect(pruneGrants([0, 10, HOUR_MS, HOUR_MS + 5], read, HOUR_MS + 10)).toEqual([HOUR_MS, HOUR_MS + 5]);
    expect(MINUTE_MS).toBe(60_000);
  });
});
