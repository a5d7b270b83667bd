/**
 * --data-dir: state survives a restart, and a crash mid-write loses nothing that was
 * acknowledged (temp file + fsync + rename): a leftover temp file is ignored and the last good
 * state is loaded. Without a data folder, nothing survives.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { AtomicJsonFile } from "../../emulator/persistence/persistence";
import { DEFAULT_ACTIONS, DEFAULT_MACHINES as M } from "../../emulator/scenario/defaultScenario";
import { startHarness } from "./harness";

let dataDir: string;
beforeEach(() => {
  dataDir = mkdtempSync(join(tmpdir(), "mde-emu-data-"));
});
afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

const collect = async (h: Awaited<ReturnType<typeof startHarness>>, machine: string) =>
  h.call("POST", `/api/machines/${machine}/collectInvestigationPackage`, { token: await h.token(), body: { Comment: "persist me" } });

it("keeps actions, the id sequence, keys, links and the CA across a restart", async () => {
  const first = await startHarness({ dataDir, tlsDir: undefined });
  const created = (await collect(first, M.win11)).json;
  await first.emu.advanceClock(70_000);
  const token = await first.token();
  const link = (await first.call("GET", `/api/machineactions/${created.id}/GetPackageUri`, { token })).json.value;
  const ca = readFileSync(first.emu.caFile, "utf8");
  await first.close();

  const second = await startHarness({ dataDir, tlsDir: undefined, seed: "ignored-because-persisted" });
  try {
    expect(readFileSync(second.emu.caFile, "utf8")).toBe(ca);
    // The token and the link were signed with persisted keys; the new clock restarted at the same epoch.
    await second.emu.advanceClock(70_000);
    const again = await second.call("GET", `/api/machineactions/${created.id}`, { token });
    expect(again.status).toBe(200);
    expect(again.json).toMatchObject({ id: created.id, status: "Succeeded", requestorComment: "persist me" });
    const port = new URL(second.emu.apiUrl).port;
    expect((await second.call("GET", link.replace(/:\d+\//, `:${port}/`))).status).toBe(200);
    const next = (await collect(second, M.linux)).json.id;
    expect(next).not.toBe(created.id);
    // Pre-seeded actions are seeded once, not again on every start.
    const all = (await second.call("GET", "/api/machineactions", { token })).json.value.map((a: { id: string }) => a.id);
    expect(all.filter((id: string) => id === DEFAULT_ACTIONS.running)).toHaveLength(1);
    expect(all).toHaveLength(4);
  } finally {
    await second.close();
  }
});

it("loses nothing acknowledged when the process dies mid-write: the temp file is ignored, the last good state loads", async () => {
  let crash = false;
  const first = await startHarness({
    dataDir,
    persistenceHooks: {
      beforeRename: () => {
        if (crash) throw new Error("simulated crash between fsync and rename");
      },
    },
  });
  const kept = (await collect(first, M.win11)).json.id;
  crash = true;
  const lost = await collect(first, M.linux);
  // The write never completed, so the service never acknowledged the action.
  expect(lost.status).toBe(500);
  expect(first.logs.join("\n")).toMatch(/simulated crash/);
  expect((await first.call("GET", "/api/machineactions", { token: await first.token() })).json.value).toHaveLength(3);
  await first.close();
  const stateDir = join(dataDir, "state");
  expect(readdirSync(stateDir).some((f) => f.startsWith("state.json.tmp-"))).toBe(true);
  writeFileSync(join(stateDir, "state.json.tmp-99999-0"), '{"version":1,"actions":[{"trunc');

  const second = await startHarness({ dataDir });
  try {
    const ids = (await second.call("GET", "/api/machineactions", { token: await second.token() })).json.value.map((a: { id: string }) => a.id);
    expect(ids).toContain(kept);
    expect(ids).toHaveLength(3);
    expect(readdirSync(stateDir)).toEqual(["state.json"]);
  } finally {
    await second.close();
  }
});

it("refuses to start on a state file that is not valid JSON rather than starting empty", () => {
  const file = new AtomicJsonFile(join(dataDir, "state"));
  writeFileSync(file.path, "{ not json");
  expect(() => file.load()).toThrow(/not valid JSON/);
});

it("keeps nothing without a data folder", async () => {
  const first = await startHarness();
  const id = (await collect(first, M.win11)).json.id;
  await first.close();
  const second = await startHarness();
  try {
    expect((await second.call("GET", `/api/machineactions/${id}`, { token: await second.token() })).status).toBe(404);
    expect(existsSync(join(dataDir, "state"))).toBe(false);
  } finally {
    await second.close();
  }
});

it("never lets emulated time run backwards across a restart of a fast-running emulator", async () => {
  const first = await startHarness({ dataDir, clock: undefined, timeScale: 3600 });
  await new Promise((r) => setTimeout(r, 50));
  const created = (await collect(first, M.win11)).json;
  const reached = first.emu.clock.now();
  await first.close();
  // Three minutes of emulated time passed per 50 ms; a fresh clock would start back at real "now".
  expect(reached - Date.now()).toBeGreaterThan(100_000);
  const second = await startHarness({ dataDir, clock: undefined, timeScale: 3600 });
  try {
    expect(second.emu.clock.now()).toBeGreaterThanOrEqual(reached);
    expect(Date.parse(created.creationDateTimeUtc)).toBeLessThanOrEqual(second.emu.clock.now());
    const again = (await second.call("GET", `/api/machineactions/${created.id}`, { token: await second.token() })).json;
    expect(again.status).not.toBe("Pending");
  } finally {
    await second.close();
  }
});
