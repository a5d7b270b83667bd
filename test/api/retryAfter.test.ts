import { DEFAULT_RETRY_AFTER_MS, MAX_RETRY_AFTER_MS, parseRetryAfterMs, retryAfterDelayMs } from "../../provider/api/retryAfter";

const NOW = Date.UTC(2026, 0, 1, 12, 0, 0);

describe("Retry-After", () => {
  it("reads seconds, as MDE documents", () => {
    expect(parseRetryAfterMs("7", NOW)).toBe(7000);
    expect(parseRetryAfterMs(" 0 ", NOW)).toBe(0);
    expect(parseRetryAfterMs(["12"], NOW)).toBe(12_000);
  });

  it("reads an HTTP date relative to now, and a past date as 0", () => {
    expect(parseRetryAfterMs(new Date(NOW + 30_000).toUTCString(), NOW)).toBe(30_000);
    expect(parseRetryAfterMs("Thu, 01 Jan 2026 11:59:00 GMT", NOW)).toBe(0);
  });

  it("ignores absent or unreadable values", () => {
    expect(parseRetryAfterMs(undefined, NOW)).toBeUndefined();
    expect(parseRetryAfterMs("", NOW)).toBeUndefined();
    expect(parseRetryAfterMs("-5", NOW)).toBeUndefined();
    expect(parseRetryAfterMs("soon", NOW)).toBeUndefined();
  });

  it("waits 60 s when MDE gives no value and never more than 10 minutes", () => {
    expect(retryAfterDelayMs(undefined)).toBe(DEFAULT_RETRY_AFTER_MS);
    expect(DEFAULT_RETRY_AFTER_MS).toBe(60_000);
    expect(retryAfterDelayMs(3_600_000)).toBe(MAX_RETRY_AFTER_MS);
    expect(MAX_RETRY_AFTER_MS).toBe(600_000);
    expect(retryAfterDelayMs(5000)).toBe(5000);
  });
});
