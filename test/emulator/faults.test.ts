/**
 * Fault injection (status replies, connection resets before and after processing and mid-body,
 * latency; by route, path and method; at a seeded rate, on a schedule or for a time window) and
 * the control endpoint that steers it, which exists only when enabled.
 */
import { createHash } from "node:crypto";
import { request } from "undici";
import { DEFAULT_ACTIONS, DEFAULT_MACHINES as M } from "../../emulator/scenario/defaultScenario";
import { FaultInjector } from "../../emulator/scenario/faults";
import { DOWNLOAD_PATH } from "../../emulator/packages/packageLinks";
import { startHarness, startWithToken, type Harness } from "./harness";

let h: Harness;
let token: string;
beforeEach(async () => ({ h, token } = await startWithToken({ control: true })));
afterEach(() => h.close());

const getAction = () => h.call("GET", `/api/machineactions/${DEFAULT_ACTIONS.running}`, { token });
const collect = (machine: string) => h.call("POST", `/api/machines/${machine}/collectInvestigationPackage`, { token, body: { Comment: "faulty" } });
const control = (method: string, path: string, body?: unknown) => h.call(method, `${h.emu.controlUrl}${path}`, { body });

describe("control endpoint", () => {
  it("does not exist unless enabled", async () => {
    const plain = await startHarness();
    try {
      const res = await plain.call("GET", `${plain.emu.apiUrl}/_emulator/counters`);
      expect(res.status).toBe(404);
      expect(res.json.error.code).toBe("NotFound");
      expect(plain.emu.controlUrl).toBeUndefined();
      expect((await plain.call("POST", `${plain.emu.apiUrl}/_emulator/faults`, { body: { type: "reset" } })).status).toBe(404);
    } finally {
      await plain.close();
    }
  });

  it("reports counters by route and status, collections per machine, link calls, downloads and 429s; and resets them", async () => {
    await getAction();
    await collect(M.win11);
    await collect(M.win11);
    const url = (await h.call("GET", `/api/machineactions/${DEFAULT_ACTIONS.succeeded}/GetPackageUri`, { token })).json.value;
    await h.call("GET", url);
    await h.call("GET", `/api/machineactions/${DEFAULT_ACTIONS.succeeded}/GetPackageUri`, { token });
    await h.call("GET", `/api/machineactions/${DEFAULT_ACTIONS.succeeded}/GetPackageUri`, { token });
    const c = (await control("GET", "/counters")).json;
    expect(c.requests["GET /api/machineactions/{id}"]).toEqual({ "200": 1 });
    expect(c.requests["POST /api/machines/{id}/collectInvestigationPackage"]).toEqual({ "201": 1, "400": 1 });
    expect(c.requests["GET /api/machineactions/{id}/GetPackageUri"]).toEqual({ "200": 2, "429": 1 });
    expect(c.requests["POST /{tenant}/oauth2/v2.0/token"]).toEqual({ "200": 1 });
    expect(c.collectPosts).toEqual({ [M.win11]: 2 });
    expect(c.packageUriCalls).toEqual({ [DEFAULT_ACTIONS.succeeded]: 3 });
    expect(c.packageDownloads).toEqual({ [DEFAULT_ACTIONS.succeeded]: 1 });
    expect(c.tooManyRequests).toBe(1);
    expect(c.tokensIssued).toBe(1);
    expect(h.emu.counters()).toEqual(c);
    const reset = (await control("POST", "/reset-counters")).json;
    expect(reset.collectPosts).toEqual({});
    expect(h.emu.counters().requests).toEqual({});
  });

  it("advances a manual clock, and refuses to on a real one", async () => {
    const before = (await control("GET", "/clock")).json.now;
    const after = (await control("POST", "/clock/advance", { minutes: 2 })).json;
    expect(after.now - before).toBe(120_000);
    expect(after.manual).toBe(true);
    const real = await startHarness({ control: true, clock: undefined });
    try {
      expect((await real.call("POST", `${real.emu.controlUrl}/clock/advance`, { body: { seconds: 1 } })).status).toBe(409);
    } finally {
      await real.close();
    }
  });
});

describe("faults", () => {
  it("answers with an injected 503 + Retry-After, set at run time and cleared again", async () => {
    const set = await control("POST", "/faults", { route: "getAction", type: "status", status: 503, retryAfterSeconds: 7, count: 1 });
    expect(set.json.faults).toHaveLength(1);
    const res = await getAction();
    expect(res.status).toBe(503);
    expect(res.headers["retry-after"]).toBe("7");
    expect(res.json.error.code).toBe("ServiceUnavailable");
    expect((await getAction()).status).toBe(200);
    await control("POST", "/faults", { path: "/api/machineactions/*", type: "status", status: 500 });
    expect((await getAction()).status).toBe(500);
    expect((await control("DELETE", "/faults")).json.faults).toEqual([]);
    expect((await getAction()).status).toBe(200);
    expect(h.emu.counters().faultsInjected).toBe(2);
  });

  it("injects 429s that count as 429s", async () => {
    h.emu.faults.add({ route: "getAction", type: "status", status: 429, retryAfterSeconds: 3 });
    const res = await getAction();
    expect(res.status).toBe(429);
    expect(res.headers["retry-after"]).toBe("3");
    expect(h.emu.counters().tooManyRequests).toBe(1);
  });

  it("resets the connection before processing: the collection was never created", async () => {
    h.emu.faults.add({ route: "collect", type: "reset", count: 1 });
    await expect(collect(M.win11)).rejects.toThrow();
    const list = (await h.call("GET", `/api/machineactions?$filter=${encodeURIComponent(`machineId eq '${M.win11}'`)}`, { token })).json.value;
    expect(list).toHaveLength(0);
    expect(h.emu.counters().collectPosts[M.win11]).toBe(1);
    expect(h.emu.counters().requests["POST /api/machines/{id}/collectInvestigationPackage"]).toEqual({ reset: 1 });
  });

  it("resets the connection after the body was received and processed: the collection exists (ambiguous POST)", async () => {
    h.emu.faults.add({ route: "collect", method: "POST", type: "reset", when: "after", count: 1 });
    await expect(collect(M.win11)).rejects.toThrow();
    const list = (await h.call("GET", `/api/machineactions?$filter=${encodeURIComponent(`machineId eq '${M.win11}'`)}`, { token })).json.value;
    expect(list).toHaveLength(1);
    expect(list[0].status).toBe("Pending");
    // A blind retry now hits the running collection.
    expect((await collect(M.win11)).json.error.code).toBe("ActiveRequestAlreadyExists");
  });

  it("replaces a processed reply with a 500 when: after", async () => {
    h.emu.faults.add({ route: "collect", type: "status", status: 500, when: "after", count: 1 });
    expect((await collect(M.linux)).status).toBe(500);
    expect((await collect(M.linux)).status).toBe(400);
  });

  it("adds latency in real time", async () => {
    h.emu.faults.add({ route: "getAction", type: "latency", latencyMs: 150 });
    const t0 = Date.now();
    expect((await getAction()).status).toBe(200);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(140);
  });

  it("cuts a package download mid-stream: headers and the first bytes arrive, then the connection drops", async () => {
    const url = (await h.call("GET", `/api/machineactions/${DEFAULT_ACTIONS.succeeded}/GetPackageUri`, { token })).json.value;
    h.emu.faults.add({ route: "download", type: "reset", when: "midBody", afterBytes: 1000, count: 1 });
    const res = await request(url, { dispatcher: h.agent });
    expect(res.statusCode).toBe(200);
    const announced = Number(res.headers["content-length"]);
    expect(announced).toBeGreaterThan(1000);
    let received = 0;
    await expect((async () => {
      for await (const chunk of res.body) received += (chunk as Buffer).length;
    })()).rejects.toThrow();
    expect(received).toBe(1000);
    expect(h.emu.counters().requests[`GET ${DOWNLOAD_PATH}`]).toEqual({ reset: 1 });
    // The next download is whole, and is the package the control endpoint describes.
    const whole = await h.call("GET", url);
    expect(whole.bytes.length).toBe(announced);
    expect(createHash("sha256").update(whole.bytes).digest("hex")).toBe((await control("GET", `/packages/${DEFAULT_ACTIONS.succeeded}`)).json.sha256);
  });

  it("cuts half-way by default, and refuses midBody for anything but a reset", async () => {
    h.emu.faults.add({ route: "getAction", type: "reset", when: "midBody", count: 1 });
    await expect(getAction()).rejects.toThrow();
    expect((await control("POST", "/faults", { route: "getAction", type: "status", when: "midBody" })).status).toBe(400);
    expect((await control("POST", "/faults", { route: "getAction", type: "reset", afterBytes: 10 })).status).toBe(400);
  });

  it("keeps a fault for a window of emulated time only: the token endpoint is down for 20 s", async () => {
    await control("POST", "/faults", { route: "token", type: "status", status: 503, forMs: 20_000 });
    h.forgetTokens();
    await expect(h.token()).rejects.toThrow(/503/);
    await h.emu.advanceClock(19_999);
    await expect(h.token()).rejects.toThrow(/503/);
    await h.emu.advanceClock(1);
    await expect(h.token()).resolves.toMatch(/^eyJ/);
  });

  it("opens a window at the first matching request when asked to", async () => {
    h.emu.faults.add({ route: "getAction", type: "status", status: 503, forMs: 10_000, from: "firstMatch" });
    await h.emu.advanceClock(60_000);
    h.forgetTokens();
    token = await h.token();
    expect((await getAction()).status).toBe(503);
    await h.emu.advanceClock(9_999);
    expect((await getAction()).status).toBe(503);
    await h.emu.advanceClock(1);
    expect((await getAction()).status).toBe(200);
  });

  it("clears a named fault on its own, leaving the others", async () => {
    h.emu.faults.add([{ name: "outage", route: "getAction", type: "status", status: 503 }, { route: "collect", type: "status", status: 500 }]);
    expect((await getAction()).status).toBe(503);
    expect((await control("DELETE", "/faults/outage")).json.faults).toHaveLength(1);
    expect((await getAction()).status).toBe(200);
    expect((await collect(M.win11)).status).toBe(500);
    expect((await control("DELETE", "/faults/outage")).status).toBe(404);
  });

  it("rejects a malformed rule with 400", async () => {
    expect((await control("POST", "/faults", { type: "explode" })).status).toBe(400);
    expect((await control("POST", "/faults", { type: "status", status: 418 })).status).toBe(400);
  });

  it("takes faults at start from options", async () => {
    const faulty = await startHarness({ faults: [{ route: "token", type: "status", status: 503 }] });
    try {
      await expect(faulty.token()).rejects.toThrow(/503/);
    } finally {
      await faulty.close();
    }
  });
});

describe("FaultInjector schedules", () => {
  const req = { route: "getAction", method: "GET", path: "/api/machineactions/x" };
  const pattern = (inj: FaultInjector, n: number) => Array.from({ length: n }, () => (inj.decide("before", req).effect ? 1 : 0)).join("");

  it("skips N, then strikes every Mth, at most K times", () => {
    expect(pattern(new FaultInjector("s", [{ type: "reset", skip: 2, every: 3, count: 2 }]), 12)).toBe("001001000000");
  });

  it("strikes at a seeded rate: the same seed gives the same pattern", () => {
    const a = pattern(new FaultInjector("seed", [{ type: "reset", rate: 0.5 }]), 64);
    expect(pattern(new FaultInjector("seed", [{ type: "reset", rate: 0.5 }]), 64)).toBe(a);
    expect(pattern(new FaultInjector("other", [{ type: "reset", rate: 0.5 }]), 64)).not.toBe(a);
    const hits = a.split("").filter((c) => c === "1").length;
    expect(hits).toBeGreaterThan(16);
    expect(hits).toBeLessThan(48);
  });

  it("keeps a rule for a window of the wall clock when asked to, whatever the emulated clock does", () => {
    let wall = 1_000_000;
    const now = jest.spyOn(Date, "now").mockImplementation(() => wall);
    try {
      let emulated = 0;
      const inj = new FaultInjector("s", [{ type: "reset", forMs: 300, clock: "real" }], { now: () => emulated });
      expect(pattern(inj, 1)).toBe("1");
      emulated += 3_600_000;
      expect(pattern(inj, 1)).toBe("1");
      wall += 300;
      expect(pattern(inj, 2)).toBe("00");
    } finally {
      now.mockRestore();
    }
  });

  it("matches path globs case-insensitively, and only in the rule's phase", () => {
    const inj = new FaultInjector("s", [{ type: "reset", path: "/API/machineactions/*", when: "after" }]);
    expect(inj.decide("before", req).effect).toBeUndefined();
    expect(inj.decide("after", req).effect).toEqual({ type: "reset" });
    expect(inj.decide("after", { ...req, path: "/api/machineactions/x/cancel" }).effect).toBeUndefined();
  });
});
