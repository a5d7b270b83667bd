/**
 * The batched pre-check: concurrent creates share list calls of up to 40 machines, a lone create
 * waits at most `gatherMs`, each learns its own machine's collections in any status (newest
 * first), and the filter it sends is one the emulator (MDE's documented OData) accepts.
 */
import type { AccessToken, TokenCredential } from "@azure/identity";
import { MdeClient } from "../../provider/api/client";
import { MdeError } from "../../provider/api/errors";
import type { MachineAction } from "../../provider/api/schemas";
import { resolveSettings } from "../../provider/api/settings";
import { collectionsFilter } from "../../provider/api/collections";
import { CollectionFinder } from "../../provider/adoption/finder";
import { DEFAULT_ACTIONS, DEFAULT_MACHINES } from "../../emulator/scenario/defaultScenario";
import { startHarness } from "../emulator/harness";
import { FakeClock } from "../helpers/fakeClock";
import { fakeListEndpoint } from "../helpers/fakeListEndpoint";
import { collection } from "../helpers/machineActions";

const machine = (n: number) => n.toString(16).padStart(40, "0");

const action = (machineId: string, id: string, status: MachineAction["status"], createdMs: number) => collection({ id, status, machineId, createdMs });

/** A list endpoint holding `actions`, answering the machines named in each filter. */
function fakeList(clock: FakeClock, actions: MachineAction[], fail?: (machines: string[]) => boolean) {
  return fakeListEndpoint(clock, "machineId", "machines", (machines) => {
    if (fail?.(machines)) throw new Error("MDE GET /api/machineactions: 503");
    return actions.filter((a) => machines.includes(a.machineId));
  });
}

describe("CollectionFinder", () => {
  it("answers 100 concurrent creates with 3 list calls: two full ones at once, the rest after gatherMs", async () => {
    const clock = new FakeClock();
    const t0 = clock.now();
    const running = action(machine(7), "a-7", "InProgress", t0 - 60_000);
    const older = action(machine(7), "a-7-old", "Pending", t0 - 120_000);
    const api = fakeList(clock, [older, running, action(machine(8), "a-8", "Succeeded", t0 - 60_000)]);
    const finder = new CollectionFinder(api, clock, { chunkSize: 40, gatherMs: 1_000 });
    const answers = Promise.all(Array.from({ length: 100 }, (_, i) => finder.find(machine(i + 1))));
    const result = await clock.runUntilSettled(answers);
    expect(api.calls.map((c) => [c.at - t0, c.machines.length])).toEqual([[0, 40], [0, 40], [1_000, 20]]);
    expect(result[6].map((a) => a.id)).toEqual(["a-7", "a-7-old"]); // newest first
    expect(result[7].map((a) => a.id)).toEqual(["a-8"]); // finished ones too: a killed run's may be among them
    expect(result.filter((r) => r.length > 0)).toHaveLength(2);
    expect(finder.listCalls).toBe(3);
  });

  it("lets a lone create wait gatherMs, and shares one clause between two creates for the same machine", async () => {
    const clock = new FakeClock();
    const t0 = clock.now();
    const api = fakeList(clock, [action(machine(1), "a-1", "Pending", t0)]);
    const finder = new CollectionFinder(api, clock, { chunkSize: 40, gatherMs: 1_000 });
    const both = Promise.all([finder.find(machine(1)), finder.find(machine(1).toUpperCase())]);
    const [a, b] = await clock.runUntilSettled(both);
    expect([a[0]?.id, b[0]?.id]).toEqual(["a-1", "a-1"]);
    expect(api.calls).toEqual([{ at: t0 + 1_000, machines: [machine(1)] }]);
  });

  it("fails a chunk's creates after its second transient failure, and only them", async () => {
    const clock = new FakeClock();
    const api = fakeList(clock, [], (machines) => machines.includes(machine(1)));
    const finder = new CollectionFinder(api, clock, { chunkSize: 2, gatherMs: 1_000 });
    const results = Promise.allSettled([1, 2].map((n) => finder.find(machine(n))));
    const [r1, r2] = await clock.runUntilSettled(results);
    expect([r1.status, r2.status]).toEqual(["rejected", "rejected"]);
    expect(api.calls.map((c) => c.machines)).toEqual([[machine(1), machine(2)], [machine(1), machine(2)]]);
    await expect(clock.runUntilSettled(finder.find(machine(3)))).resolves.toEqual([]);
  });

  it("rides out a storm that outlasts one call's retries (the second call succeeds)", async () => {
    const clock = new FakeClock();
    let failures = 1;
    const api = fakeList(clock, [], () => failures-- > 0);
    const finder = new CollectionFinder(api, clock, { gatherMs: 1_000 });
    const both = Promise.all([finder.find(machine(1)), finder.find(machine(2))]);
    expect(await clock.runUntilSettled(both)).toEqual([[], []]);
    expect(api.calls.map((c) => c.machines)).toEqual([[machine(1), machine(2)], [machine(1), machine(2)]]);
  });

  it("fails at once, without a second call, when MDE refused the call", async () => {
    const clock = new FakeClock();
    const forbidden = new MdeError("Forbidden: missing application roles", { status: 403, code: "Forbidden" });
    const api = { calls: 0, async listMachineActions(): Promise<MachineAction[]> { api.calls++; throw forbidden; } };
    const finder = new CollectionFinder(api, clock, { gatherMs: 1_000 });
    await expect(clock.runUntilSettled(finder.find(machine(1)))).rejects.toBe(forbidden);
    expect(api.calls).toBe(1);
  });

  it("rejects a malformed machine id without a call", async () => {
    const clock = new FakeClock();
    const api = fakeList(clock, []);
    const finder = new CollectionFinder(api, clock);
    await expect(finder.find("not-a-machine")).rejects.toThrow("40 hexadecimal characters");
    expect(api.calls).toEqual([]);
  });

  it("keeps the URL of a full chunk under 4 KB", () => {
    const ids = Array.from({ length: 40 }, (_, i) => machine(0xfffff000 + i));
    const url = `https://api.security.microsoft.com/api/machineactions?${new URLSearchParams({ $filter: collectionsFilter(ids) })}`;
    expect(url.length).toBeLessThan(4096);
  });
});

describe("the pre-check's filter against the emulator", () => {
  it("lists each machine's collections, running or finished, in one call for the chunk", async () => {
    const h = await startHarness();
    const credential: TokenCredential = { getToken: async (): Promise<AccessToken> => ({ token: await h.token(), expiresOnTimestamp: Date.now() + 50 * 60_000 }) };
    const settings = resolveSettings({ env: { MDE_API_URL: h.emu.apiUrl, AZURE_TENANT_ID: h.emu.tenantId, AZURE_CLIENT_ID: h.emu.clientId, AZURE_CLIENT_SECRET: "x" } });
    const client = new MdeClient(settings, { credential, dispatcher: h.agent });
    try {
      const finder = new CollectionFinder(client, new FakeClock(), { chunkSize: 3, gatherMs: 1_000 });
      const [busy, win11, done] = await Promise.all([DEFAULT_MACHINES.busy, DEFAULT_MACHINES.win11, DEFAULT_MACHINES.done].map((m) => finder.find(m)));
      expect(busy.map((a) => a.id)).toContain(DEFAULT_ACTIONS.running);
      expect(win11).toEqual([]);
      expect(done.map((a) => a.status)).toContain("Succeeded");
      expect(h.emu.counters().requests["GET /api/machineactions"]).toEqual({ "200": 1 });
    } finally {
      await client.close();
      await h.close();
    }
  });
});
