/**
 * Test commands for actions through the control endpoint: hold a collection running until the
 * test releases it, end one at a step the test chooses, hold every collection of a machine.
 * A manual clock proves the holds, not luck, keep the actions running: days pass while held.
 */
import { DEFAULT_ACTIONS, DEFAULT_MACHINES as M } from "../../emulator/scenario/defaultScenario";
import { E_FAIL, planFor, steeredStateAt } from "../../emulator/persistence/lifecycle";
import { startWithToken, type Harness } from "./harness";

const DAY = 24 * 3600_000;
let h: Harness;
let token: string;
beforeEach(async () => ({ h, token } = await startWithToken({ control: true })));
afterEach(() => h.close());

const control = (method: string, path: string, body?: unknown) => h.call(method, `${h.emu.controlUrl}${path}`, { body });
const statusOf = async (id: string) => (await h.call("GET", `/api/machineactions/${id}`, { token })).json;
const collect = async (machine: string) => (await h.call("POST", `/api/machines/${machine}/collectInvestigationPackage`, { token, body: { Comment: "steered" } })).json;
/** Moves the manual clock; tokens live an hour, so a fresh one is fetched after. */
async function advance(ms: number) {
  await h.emu.advanceClock(ms);
  h.forgetTokens();
  token = await h.token();
}

describe("holding an action", () => {
  it("keeps a collection InProgress past its planned end until released, then it finishes at the release", async () => {
    const { id } = await collect(M.win11);
    expect((await control("POST", `/actions/${id}/hold`)).json).toMatchObject({ id, held: true, status: "Pending" });
    await advance(DAY);
    const held = await statusOf(id);
    expect(held.status).toBe("InProgress");
    expect((await h.call("GET", `/api/machineactions/${id}/GetPackageUri`, { token })).status).toBe(404);

    await advance(60_000);
    const released = await control("POST", `/actions/${id}/release`);
    expect(released.json).toMatchObject({ id, held: false, status: "Succeeded" });
    const done = await statusOf(id);
    expect(done.status).toBe("Succeeded");
    expect(Date.parse(done.lastUpdateDateTimeUtc)).toBe(h.emu.clock.now());
    expect((await h.call("GET", `/api/machineactions/${id}/GetPackageUri`, { token })).status).toBe(200);
  });

  it("holds the scenario's running collection by id, and a held collection can still be cancelled", async () => {
    h.emu.actions.hold(DEFAULT_ACTIONS.running);
    await advance(DAY);
    expect((await statusOf(DEFAULT_ACTIONS.running)).status).toBe("InProgress");
    const cancel = await h.call("POST", `/api/machineactions/${DEFAULT_ACTIONS.running}/cancel`, { token, body: { Comment: "stop" } });
    expect(cancel.json.status).toBe("Cancelled");
  });

  it("refuses to hold or end an action that already ended, and names it", async () => {
    const res = await control("POST", `/actions/${DEFAULT_ACTIONS.succeeded}/hold`);
    expect(res.status).toBe(409);
    expect(res.json.error.message).toContain(`action ${DEFAULT_ACTIONS.succeeded}: it already ended Succeeded`);
    expect((await control("POST", `/actions/${DEFAULT_ACTIONS.succeeded}/complete`, { status: "Failed" })).status).toBe(409);
    expect((await control("POST", "/actions/00000000-0000-0000-0000-000000000000/hold")).status).toBe(404);
    expect((await control("POST", `/actions/${DEFAULT_ACTIONS.running}/complete`, { status: "Done" })).status).toBe(400);
  });
});

describe("ending an action at a chosen step", () => {
  it("ends a Pending collection Succeeded at once, with a package to download", async () => {
    const { id } = await collect(M.linux);
    expect((await control("POST", `/actions/${id}/complete`, { status: "Succeeded" })).json).toMatchObject({ status: "Succeeded", held: false });
    expect((await statusOf(id)).status).toBe("Succeeded");
    expect((await control("GET", `/packages/${id}`)).json.sha256).toMatch(/^[0-9a-f]{64}$/);
  });

  it("ends one Failed with the HRESULT asked for (E_FAIL by default), and one TimeOut", async () => {
    const a = await collect(M.win11);
    h.emu.actions.complete(a.id, "Failed");
    expect(await statusOf(a.id)).toMatchObject({ status: "Failed", errorHResult: E_FAIL });
    const b = await collect(M.win11);
    h.emu.actions.complete(b.id, "Failed", -2147024891);
    expect((await statusOf(b.id)).errorHResult).toBe(-2147024891);
    const c = await collect(M.win11);
    await control("POST", `/actions/${c.id}/complete`, { status: "TimeOut" });
    expect((await statusOf(c.id)).status).toBe("TimeOut");
    // Ended means a new collection may start on the machine.
    expect((await collect(M.win11)).status).toBe("Pending");
  });
});

describe("holding a machine", () => {
  it("holds the collections the machine gets until the machine is released, and no longer", async () => {
    const hold = await control("POST", `/machines/${M.mac}/hold`);
    expect(hold.json.actions).toEqual([]);
    const first = await collect(M.mac);
    await advance(DAY);
    expect(h.emu.actions.get(first.id)).toMatchObject({ held: true, status: "InProgress" });
    const released = await control("POST", `/machines/${M.mac}/release`);
    expect(released.json.actions).toEqual([expect.objectContaining({ id: first.id, status: "Succeeded", held: false })]);
    const second = await collect(M.mac);
    await advance(DAY);
    expect((await statusOf(second.id)).status).toBe("Succeeded");
  });

  it("holds a machine named by computer name, including its running collection", async () => {
    const res = await control("POST", "/machines/win10-busy01.contoso.local/hold");
    expect(res.json.actions).toEqual([expect.objectContaining({ id: DEFAULT_ACTIONS.running, held: true })]);
    expect((await control("POST", "/machines/no-such-device/hold")).status).toBe(404);
  });

  it("counts each time a client read an action, so a test can wait until the client has seen it", async () => {
    await statusOf(DEFAULT_ACTIONS.running);
    await h.call("GET", `/api/machineactions?$filter=${encodeURIComponent(`id eq '${DEFAULT_ACTIONS.running}'`)}`, { token });
    expect(h.emu.counters().actionReads).toEqual({ [DEFAULT_ACTIONS.running]: 2 });
  });
});

describe("steeredStateAt (pure)", () => {
  const t0 = Date.UTC(2026, 0, 1);
  const plan = planFor("online");
  it("keeps an offline device's held collection Pending past its timeout", () => {
    const offline = planFor("offline", { timeoutSeconds: 60 });
    expect(steeredStateAt(t0, offline, t0 + DAY, null, { hold: { sinceMs: t0, releasedMs: null } }).status).toBe("Pending");
  });
  it("finishes a released collection as planned when its planned end is still ahead", () => {
    const s = { hold: { sinceMs: t0, releasedMs: t0 + 1000 } };
    expect(steeredStateAt(t0, plan, t0 + 64_999, null, s).status).toBe("InProgress");
    expect(steeredStateAt(t0, plan, t0 + 65_000, null, s)).toEqual({ status: "Succeeded", lastUpdateMs: t0 + 65_000, errorHResult: 0 });
  });
  it("lets a cancellation that came before an end command win", () => {
    const cancel = { atMs: t0 + 10, requestor: "x", comment: null };
    const end = { atMs: t0 + 20, status: "Succeeded" as const, errorHResult: 0 };
    expect(steeredStateAt(t0, plan, t0 + 30, cancel, { end }).status).toBe("Cancelled");
  });
});
