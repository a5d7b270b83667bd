import { MdeError, MdeNetworkError, MdeThrottledError } from "../../provider/api/errors";
import { toMdeError } from "../../provider/api/httpErrors";
import type { MdeRequest, MdeResponse } from "../../provider/api/pipeline";
import { backoffDelayMs, DEFAULT_RETRY_OPTIONS, type RetryInfo, retryPolicy, type RetryOptions } from "../../provider/api/retry";
import { FakeClock } from "../helpers/fakeClock";

const START = Date.UTC(2026, 0, 1);
const OK: MdeResponse = { status: 200, headers: {}, body: { ok: true } };

function req(over: Partial<MdeRequest> = {}): MdeRequest {
  return { method: "GET", url: "https://api.security.microsoft.com/api/machineactions", route: "GET /api/machineactions", family: "read", idempotent: true, ...over };
}

function httpError(status: number, headers: Record<string, string> = {}, clock = { now: () => START }): MdeError {
  return toMdeError({ method: "GET", path: "/api/x", family: "read", status, headers, body: { error: { code: "X", message: "m", target: "t" } }, nowMs: clock.now() });
}

/** Runs the retry policy over a scripted sequence of outcomes; returns calls, sleeps and hook calls. */
async function run(script: (MdeError | Error | "ok")[], options: Partial<RetryOptions> = {}, request = req()) {
  const clock = new FakeClock(START);
  const retries: RetryInfo[] = [];
  const callTimes: number[] = [];
  const policy = retryPolicy({ clock, options: { random: () => 0.5, ...options }, onRetry: (i) => retries.push(i) });
  let i = 0;
  const next = async () => {
    callTimes.push(clock.now() - START);
    const step = script[Math.min(i++, script.length - 1)];
    if (step === "ok") return OK;
    throw step;
  };
  const outcome = await clock.runUntilSettled(policy.send(request, next)).then(
    (r) => ({ result: r, error: undefined }),
    (e: unknown) => ({ result: undefined, error: e }),
  );
  return { ...outcome, callTimes, sleeps: clock.sleeps, retries, calls: i };
}

describe("retry policy in virtual time", () => {
  it("waits exactly Retry-After seconds after a 429", async () => {
    const r = await run([httpError(429, { "retry-after": "7" }), "ok"]);
    expect(r.result).toBe(OK);
    expect(r.callTimes).toEqual([0, 7000]);
    expect(r.retries.map((x) => x.delayMs)).toEqual([7000]);
  });

  it("waits until a Retry-After HTTP date", async () => {
    const r = await run([httpError(429, { "retry-after": new Date(START + 30_000).toUTCString() }), "ok"]);
    expect(r.callTimes).toEqual([0, 30_000]);
  });

  it("retries at once for a Retry-After date in the past", async () => {
    const r = await run([httpError(429, { "retry-after": new Date(START - 5000).toUTCString() }), "ok"]);
    expect(r.callTimes).toEqual([0, 0]);
    expect(r.sleeps).toEqual([]);
  });

  it("waits 60 s for a 429 without Retry-After, and caps huge values at 10 min", async () => {
    expect((await run([httpError(429), "ok"])).callTimes).toEqual([0, 60_000]);
    expect((await run([httpError(429, { "retry-after": "86400" }), "ok"])).callTimes).toEqual([0, 600_000]);
  });

  it("backs off exponentially on 5xx with jitter from the injected random source", async () => {
    const e503 = httpError(503);
    expect((await run([e503, e503, e503, "ok"], { random: () => 0.5 })).sleeps).toEqual([1000, 2000, 4000]);
    expect((await run([e503, e503, e503, "ok"], { random: () => 0 })).sleeps).toEqual([500, 1000, 2000]);
    expect((await run([e503, e503, e503, "ok"], { random: () => 0.75 })).sleeps).toEqual([1250, 2500, 5000]);
  });

  it("caps one back-off delay", () => {
    const o: RetryOptions = { ...DEFAULT_RETRY_OPTIONS, random: () => 1 };
    expect(backoffDelayMs(10, o)).toBe(o.maxDelayMs);
  });

  it("gives up after maxAttempts and throws the last error", async () => {
    const e500 = httpError(500);
    const r = await run([e500], { maxAttempts: 3 });
    expect(r.calls).toBe(3);
    expect(r.error).toBe(e500);
  });

  it("gives up when the next wait would exceed the total-time budget", async () => {
    const r = await run([httpError(429, { "retry-after": "3" })], { maxTotalMs: 5000, maxAttempts: 10 });
    expect(r.callTimes).toEqual([0, 3000]); // a third call would start at 6000 > 5000
    expect(r.error).toBeInstanceOf(MdeThrottledError);
  });

  it.each([400, 403, 404, 501, 505])("does not retry %i", async (status) => {
    const r = await run([httpError(status), "ok"]);
    expect(r.calls).toBe(1);
    expect((r.error as MdeError).status).toBe(status);
  });

  it("retries a 401 once at once (the auth stage fetches a new token), then gives up", async () => {
    const e401 = httpError(401);
    const healed = await run([e401, "ok"]);
    expect(healed.callTimes).toEqual([0, 0]);
    const persistent = await run([e401, e401, "ok"]);
    expect(persistent.calls).toBe(2);
    expect((persistent.error as MdeError).status).toBe(401);
  });

  it("retries network errors of idempotent requests", async () => {
    const reset = new MdeNetworkError("reset", { ambiguous: true, networkCode: "ECONNRESET" });
    const r = await run([reset, "ok"]);
    expect(r.calls).toBe(2);
  });

  it("never re-sends a non-idempotent request whose outcome is unknown, nor after a 5xx", async () => {
    const post = req({ method: "POST", idempotent: false, family: "collect" });
    const reset = new MdeNetworkError("reset", { ambiguous: true, networkCode: "UND_ERR_SOCKET" });
    expect((await run([reset, "ok"], {}, post)).calls).toBe(1);
    expect((await run([httpError(502), "ok"], {}, post)).calls).toBe(1);
  });

  it("re-sends a non-idempotent request that never left (connection refused), and after a 429", async () => {
    const post = req({ method: "POST", idempotent: false, family: "collect" });
    const refused = new MdeNetworkError("refused", { ambiguous: false, networkCode: "ECONNREFUSED" });
    expect((await run([refused, "ok"], {}, post)).calls).toBe(2);
    expect((await run([httpError(429, { "retry-after": "1" }), "ok"], {}, post)).calls).toBe(2);
  });

  it("does not retry TLS trust failures", async () => {
    const tls = new MdeNetworkError("untrusted", { ambiguous: false, transient: false, networkCode: "UNABLE_TO_VERIFY_LEAF_SIGNATURE" });
    expect((await run([tls, "ok"])).calls).toBe(1);
  });

  it("reports each retry through onRetry with route, attempt and delay", async () => {
    const e = httpError(429, { "retry-after": "2" });
    const r = await run([e, e, "ok"]);
    expect(r.retries).toEqual([
      { route: "GET /api/machineactions", attempt: 1, delayMs: 2000, error: e },
      { route: "GET /api/machineactions", attempt: 2, delayMs: 2000, error: e },
    ]);
  });

  it("stops waiting when the caller aborts", async () => {
    const clock = new FakeClock(START);
    const ac = new AbortController();
    const policy = retryPolicy({ clock });
    const p = policy.send(req({ signal: ac.signal }), async () => {
      throw httpError(429, { "retry-after": "60" });
    });
    await clock.advance(1000);
    ac.abort(new Error("cancelled by user"));
    await expect(p).rejects.toThrow("cancelled by user");
  });

  it("throws errors no strategy knows about unchanged", async () => {
    const bug = new TypeError("bug");
    const r = await run([bug, "ok"]);
    expect(r.error).toBe(bug);
    expect(r.calls).toBe(1);
  });
});
