/**
 * Quotas: sliding windows per application and API, 429 TooManyRequests with Retry-After in
 * seconds, overridable limits, and refused calls counting (retrying early extends the 429s).
 */
import { DEFAULT_QUOTAS, mergeQuotas, QuotaTracker, retryAfterSeconds } from "../../emulator/server/quotas";
import { DEFAULT_ACTIONS, DEFAULT_MACHINES as M, READER_CLIENT_ID } from "../../emulator/scenario/defaultScenario";
import { startHarness } from "./harness";

describe("QuotaTracker (pure)", () => {
  it("is a sliding window: no burst of 2× around a window boundary", () => {
    const q = new QuotaTracker(mergeQuotas({ reads: [{ max: 2, windowSeconds: 60 }], countRejected: false }));
    expect(q.take("app", "reads", "getAction", 59_000).ok).toBe(true);
    expect(q.take("app", "reads", "getAction", 59_500).ok).toBe(true);
    // A fixed window would reset at 60 s; a sliding one waits until the first call is 60 s old.
    const refused = q.take("app", "reads", "getAction", 60_500);
    expect(refused).toEqual({ ok: false, retryAfterMs: 58_500, limit: { max: 2, windowSeconds: 60 } });
    expect(q.take("app", "reads", "getAction", 119_001).ok).toBe(true);
  });

  it("counts refused calls by default, so retrying early pushes the wait out", () => {
    const q = new QuotaTracker(mergeQuotas({ packageUri: [{ max: 2, windowSeconds: 60 }] }));
    q.take("app", "packageUri", "getPackageUri", 0);
    q.take("app", "packageUri", "getPackageUri", 10_000);
    expect(q.take("app", "packageUri", "getPackageUri", 20_000)).toMatchObject({ ok: false, retryAfterMs: 50_000 });
    // Told to come back at 70 s, the caller retries at 30 s: now it must wait until 80 s.
    expect(q.take("app", "packageUri", "getPackageUri", 30_000)).toMatchObject({ ok: false, retryAfterMs: 50_000 });
    expect(q.take("app", "packageUri", "getPackageUri", 79_999).ok).toBe(false);
    const patient = new QuotaTracker(mergeQuotas({ packageUri: [{ max: 2, windowSeconds: 60 }] }));
    patient.take("app", "packageUri", "getPackageUri", 0);
    patient.take("app", "packageUri", "getPackageUri", 10_000);
    expect(patient.take("app", "packageUri", "getPackageUri", 20_000)).toMatchObject({ ok: false, retryAfterMs: 50_000 });
    expect(patient.take("app", "packageUri", "getPackageUri", 70_000).ok).toBe(true);
  });

  it("enforces the hourly window too (1500/h), and keeps callers and APIs apart", () => {
    const q = new QuotaTracker(DEFAULT_QUOTAS);
    for (let i = 0; i < 1500; i++) expect(q.take("app", "reads", "getAction", i * 1000).ok).toBe(true);
    const refused = q.take("app", "reads", "getAction", 1500_000);
    expect(refused).toMatchObject({ ok: false, limit: { max: 1500, windowSeconds: 3600 } });
    expect(q.take("other-app", "reads", "getAction", 1500_000).ok).toBe(true);
    expect(q.take("app", "reads", "listActions", 1500_000).ok).toBe(true);
  });

  it("converts waits to real seconds, rounded up", () => {
    expect(retryAfterSeconds(58_500, 1)).toBe(59);
    expect(retryAfterSeconds(60_000, 60)).toBe(1);
    expect(retryAfterSeconds(1, 1)).toBe(1);
  });
});

describe("over HTTP", () => {
  it("answers the 101st read in a minute with 429 TooManyRequests and Retry-After", async () => {
    const h = await startHarness();
    try {
      const token = await h.token();
      for (let i = 0; i < 100; i++) {
        expect((await h.call("GET", `/api/machineactions/${DEFAULT_ACTIONS.running}`, { token })).status).toBe(200);
      }
      const res = await h.call("GET", `/api/machineactions/${DEFAULT_ACTIONS.running}`, { token });
      expect(res.status).toBe(429);
      expect(res.json.error.code).toBe("TooManyRequests");
      expect(res.json.error.message).toBe("API calls quota exceeded! maximum allowed 100 per 00:01:00");
      expect(res.headers["retry-after"]).toBe("60");
      expect(h.emu.counters().tooManyRequests).toBe(1);
      // Another application has its own quota.
      expect((await h.call("GET", `/api/machineactions/${DEFAULT_ACTIONS.running}`, { token: await h.token(READER_CLIENT_ID) })).status).toBe(200);
    } finally {
      await h.close();
    }
  });

  it("allows GetPackageUri twice a minute, and again after Retry-After", async () => {
    const h = await startHarness({ quotas: { countRejected: false } });
    try {
      const token = await h.token();
      const uri = () => h.call("GET", `/api/machineactions/${DEFAULT_ACTIONS.succeeded}/GetPackageUri`, { token });
      expect((await uri()).status).toBe(200);
      await h.emu.advanceClock(15_000);
      expect((await uri()).status).toBe(200);
      const limited = await uri();
      expect(limited.status).toBe(429);
      expect(limited.headers["retry-after"]).toBe("45");
      await h.emu.advanceClock(45_000);
      expect((await uri()).status).toBe(200);
    } finally {
      await h.close();
    }
  });

  it("takes overrides from options and the scenario, per family", async () => {
    const h = await startHarness({ quotas: { collect: [{ max: 1, windowSeconds: 10 }] } });
    try {
      const token = await h.token();
      const post = (id: string) => h.call("POST", `/api/machines/${id}/collectInvestigationPackage`, { token, body: { Comment: "x" } });
      expect((await post(M.win11)).status).toBe(201);
      const limited = await post(M.linux);
      expect(limited.status).toBe(429);
      expect(limited.headers["retry-after"]).toBe("10");
      // Reads keep the default limits.
      expect((await h.call("GET", "/api/machines", { token })).status).toBe(200);
    } finally {
      await h.close();
    }
  });
});
