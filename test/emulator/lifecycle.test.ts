/**
 * The action lifecycle per machine behaviour, driven by a manual clock (no real waiting), and the
 * time scale, which runs the clock and every window N times faster.
 */
import { planFor, stateAt, E_FAIL, E_TIMEOUT } from "../../emulator/persistence/lifecycle";
import { DEFAULT_ACTIONS, DEFAULT_MACHINES as M, defaultScenario } from "../../emulator/scenario/defaultScenario";
import { startHarness, startWithToken, type Harness } from "./harness";

describe("stateAt (pure)", () => {
  const t0 = Date.UTC(2026, 0, 1);
  it("walks Pending → InProgress → Succeeded at the planned instants", () => {
    const plan = planFor("online");
    expect(stateAt(t0, plan, t0 + 4_999)).toEqual({ status: "Pending", lastUpdateMs: t0, errorHResult: 0 });
    expect(stateAt(t0, plan, t0 + 5_000)).toEqual({ status: "InProgress", lastUpdateMs: t0 + 5_000, errorHResult: 0 });
    expect(stateAt(t0, plan, t0 + 64_999).status).toBe("InProgress");
    expect(stateAt(t0, plan, t0 + 65_000)).toEqual({ status: "Succeeded", lastUpdateMs: t0 + 65_000, errorHResult: 0 });
  });

  it("ends a failing collection in Failed with an HRESULT, an offline one in TimeOut", () => {
    expect(stateAt(t0, planFor("failing"), t0 + 35_000)).toEqual({ status: "Failed", lastUpdateMs: t0 + 35_000, errorHResult: E_FAIL });
    const offline = planFor("offline");
    expect(stateAt(t0, offline, t0 + 24 * 3600_000 - 1).status).toBe("Pending");
    expect(stateAt(t0, offline, t0 + 24 * 3600_000)).toEqual({ status: "TimeOut", lastUpdateMs: t0 + 24 * 3600_000, errorHResult: E_TIMEOUT });
  });

  it("lets params override timings, outcome codes and the timeout (a slow device that runs out of time)", () => {
    const plan = planFor("slow", { inProgressSeconds: 7200 }, { timeoutSeconds: 3600 });
    expect(stateAt(t0, plan, t0 + 3_599_000).status).toBe("InProgress");
    expect(stateAt(t0, plan, t0 + 3_600_000).status).toBe("TimeOut");
    expect(planFor("failing", { errorHResult: -2147024891 }).errorHResult).toBe(-2147024891);
  });

  it("freezes at Cancelled from the cancellation instant on", () => {
    const c = { atMs: t0 + 1000, requestor: "x", comment: null };
    expect(stateAt(t0, planFor("online"), t0 + 999, c).status).toBe("Pending");
    expect(stateAt(t0, planFor("online"), t0 + 10_000_000, c)).toEqual({ status: "Cancelled", lastUpdateMs: t0 + 1000, errorHResult: 0 });
  });
});

describe("over HTTP with a manual clock", () => {
  let h: Harness;
  let token: string;
  beforeEach(async () => ({ h, token } = await startWithToken()));
  afterEach(() => h.close());
  const start = async (id: string) => (await h.call("POST", `/api/machines/${id}/collectInvestigationPackage`, { token, body: { Comment: "c" } })).json.id as string;
  const status = async (id: string) => (await h.call("GET", `/api/machineactions/${id}`, { token })).json;

  it.each([
    ["online", M.win11, [[4, "Pending"], [1, "InProgress"], [59, "InProgress"], [1, "Succeeded"]]],
    ["slow", M.busy, [[119, "Pending"], [1, "InProgress"], [899, "InProgress"], [1, "Succeeded"]]],
    ["failing", M.failing, [[5, "InProgress"], [30, "Failed"]]],
    ["offline", M.offline, [[3600, "Pending"], [22 * 3600, "Pending"], [3600, "TimeOut"]]],
  ] as const)("a %s machine goes through its lifecycle", async (_name, machine, steps) => {
    if (machine === M.busy) await h.call("POST", `/api/machineactions/${DEFAULT_ACTIONS.running}/cancel`, { token, body: {} });
    const id = await start(machine);
    for (const [seconds, expected] of steps) {
      await h.emu.advanceClock(seconds * 1000);
      h.forgetTokens();
      token = await h.token();
      expect((await status(id)).status).toBe(expected);
    }
    const final = await status(id);
    if (final.status === "Failed") expect(final.errorHResult).toBe(-2147467259);
    if (final.status === "TimeOut") expect(final.errorHResult).not.toBe(0);
  });

  it("serves the pre-seeded collection as already InProgress, created minutes before the start", async () => {
    const a = await status(DEFAULT_ACTIONS.running);
    expect(a.status).toBe("InProgress");
    expect(Date.parse(a.creationDateTimeUtc)).toBe(h.emu.clock.now() - 3 * 60_000);
    expect(Date.parse(a.lastUpdateDateTimeUtc)).toBe(h.emu.clock.now() - 2 * 60_000);
    expect((await status(DEFAULT_ACTIONS.succeeded)).status).toBe("Succeeded");
  });

  it("honours per-machine behaviour params from the scenario", async () => {
    const s = defaultScenario();
    s.machines!.find((m) => m.id === M.win11)!.params = { pendingSeconds: 1, inProgressSeconds: 2 };
    const custom = await startHarness({ scenario: s });
    try {
      const t = await custom.token();
      const id = (await custom.call("POST", `/api/machines/${M.win11}/collectInvestigationPackage`, { token: t, body: { Comment: "c" } })).json.id;
      await custom.emu.advanceClock(3000);
      expect((await custom.call("GET", `/api/machineactions/${id}`, { token: t })).json.status).toBe("Succeeded");
    } finally {
      await custom.close();
    }
  });
});

describe("time scale", () => {
  it("runs the lifecycle N times faster on the default clock (65 s of emulated time in ~65 ms)", async () => {
    const h = await startHarness({ clock: undefined, timeScale: 1000 });
    try {
      const token = await h.token();
      const t0 = Date.now();
      const id = (await h.call("POST", `/api/machines/${M.win11}/collectInvestigationPackage`, { token, body: { Comment: "c" } })).json.id;
      let status = "";
      while (status !== "Succeeded" && Date.now() - t0 < 5000) {
        await new Promise((r) => setTimeout(r, 10));
        status = (await h.call("GET", `/api/machineactions/${id}`, { token })).json.status;
      }
      expect(status).toBe("Succeeded");
      expect(Date.now() - t0).toBeGreaterThanOrEqual(64);
      expect(Date.now() - t0).toBeLessThan(5000);
    } finally {
      await h.close();
    }
  });

  it("keeps token lifetimes in real time (Entra is not emulated time) and reports Retry-After in real seconds", async () => {
    const h = await startHarness({ clock: undefined, timeScale: 10 });
    try {
      const token = await h.token();
      const res = await h.call("POST", `/${h.emu.tenantId}/oauth2/v2.0/token`, {
        body: new URLSearchParams({ grant_type: "client_credentials", client_id: h.emu.clientId, client_secret: h.emu.clientSecret, scope: "https://api.securitycenter.microsoft.com/.default" }).toString(),
        headers: { "content-type": "application/x-www-form-urlencoded" },
      });
      expect(res.json.expires_in).toBe(3599);
      const uri = () => h.call("GET", `/api/machineactions/${DEFAULT_ACTIONS.succeeded}/GetPackageUri`, { token });
      expect((await uri()).status).toBe(200);
      expect((await uri()).status).toBe(200);
      const limited = await uri();
      expect(limited.status).toBe(429);
      // A 60 s window at scale 10 lasts 6 real seconds.
      expect(Number(limited.headers["retry-after"])).toBe(6);
    } finally {
      await h.close();
    }
  });
});
