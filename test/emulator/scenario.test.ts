/**
 * Scenario files: YAML or JSON, validated with errors that name the file, the line and the
 * field path; the built-in default scenario; generated fleets.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { generateFleet } from "../../emulator/scenario/fleet";
import { loadScenarioFile, parseScenarioText, resolveScenario, ScenarioError } from "../../emulator/scenario/scenario";
import { DEFAULT_MACHINES, defaultScenario } from "../../emulator/scenario/defaultScenario";
import { startHarness } from "./harness";

const dir = mkdtempSync(join(tmpdir(), "mde-emu-scenario-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const GOOD = `name: exercise
tenants:
  - id: 11111111-2222-4333-8444-555555555555
apps:
  - clientId: 22222222-2222-4333-8444-555555555555
    clientSecret: s3cret
    displayName: Exercise App
    roles: [Machine.CollectForensics, Machine.Read.All]
machines:
  - id: ${"ab".repeat(20)}
    computerDnsName: ws1.fabrikam.local
    osPlatform: Windows11
    behavior: failing
    params: { errorHResult: -2147024891 }
actions:
  - machine: ws1.fabrikam.local
    createdMinutesAgo: 1
switches:
  duplicateCollection: return-existing
quotas:
  packageUri: [{ max: 10, windowSeconds: 60 }]
`;

function issuesOf(text: string, file: string): ScenarioError {
  try {
    parseScenarioText(text, file);
  } catch (e) {
    if (e instanceof ScenarioError) return e;
    throw e;
  }
  throw new Error("expected a ScenarioError");
}

it("loads a YAML scenario with defaults applied", () => {
  const file = join(dir, "good.yaml");
  writeFileSync(file, GOOD);
  const s = loadScenarioFile(file);
  expect(s.machines[0]).toMatchObject({ id: "ab".repeat(20), healthStatus: "Active", machineTags: [], tenantId: "11111111-2222-4333-8444-555555555555" });
  expect(s.apps[0].tenantId).toBe("11111111-2222-4333-8444-555555555555");
  expect(s.switches).toEqual({ duplicateCollection: "return-existing", tokenLifetimeSeconds: 3600, packageLinkLifetimeSeconds: 600 });
});

it("loads the same scenario written as JSON", () => {
  const file = join(dir, "good.json");
  writeFileSync(file, JSON.stringify(resolveScenario(parseScenarioText(GOOD)), null, 2));
  expect(loadScenarioFile(file).machines[0].computerDnsName).toBe("ws1.fabrikam.local");
});

it("names the file, line and field path of a wrong value", () => {
  const bad = GOOD.replace("osPlatform: Windows11", "osPlatform: Windows95");
  const e = issuesOf(bad, "exercise.yaml");
  expect(e.issues).toEqual([expect.objectContaining({ path: "machines[0].osPlatform", line: 12, column: 17 })]);
  expect(e.message).toMatch(/exercise\.yaml:12:17: machines\[0\]\.osPlatform: /);
});

it("names the line of a misspelt key and of a bad machine id", () => {
  const e = issuesOf(GOOD.replace("behavior: failing", "behaviour: failing").replace(`id: ${"ab".repeat(20)}`, "id: 1234"), "x.yaml");
  const byPath = Object.fromEntries(e.issues.map((i) => [i.path, i.line]));
  expect(byPath["machines[0].id"]).toBe(10);
  expect(byPath["machines[0]"]).toBe(10);
  expect(e.message).toMatch(/behaviour/);
});

it("checks references between sections (unknown machine in actions, duplicate ids)", () => {
  const e = issuesOf(GOOD.replace("machine: ws1.fabrikam.local", "machine: nowhere.local"), "refs.yaml");
  expect(e.issues).toEqual([expect.objectContaining({ path: "actions[0].machine", line: 16 })]);
  expect(e.message).toMatch(/unknown machine 'nowhere\.local'/);
  const s = defaultScenario();
  const dup = { ...s, apps: [...s.apps!, { ...s.apps![0] }] };
  expect(() => resolveScenario(dup, "dup.json")).toThrow(/dup\.json: apps\[3\]\.clientId: duplicate clientId/);
});

it("reports YAML syntax errors with their line", () => {
  const e = issuesOf("tenants:\n  - id: [unclosed\n", "broken.yaml");
  expect(e.issues[0].line).toBeGreaterThanOrEqual(2);
  expect(e.message).toMatch(/^invalid scenario broken\.yaml/);
});

it("serves a scenario file given by path", async () => {
  const file = join(dir, "served.yaml");
  writeFileSync(file, GOOD);
  const h = await startHarness({ scenario: file });
  try {
    expect(h.emu.tenantId).toBe("11111111-2222-4333-8444-555555555555");
    const token = await h.token(h.emu.clientId, "s3cret");
    const res = await h.call("GET", "/api/machines/ws1", { token });
    expect(res.json.computerDnsName).toBe("ws1.fabrikam.local");
  } finally {
    await h.close();
  }
});

describe("default scenario", () => {
  it("has the promised cast: Windows 11, Linux, a running collection, offline, failing, tagged machines", () => {
    const s = resolveScenario(defaultScenario());
    const by = (id: string) => s.machines.find((m) => m.id === id)!;
    expect(by(DEFAULT_MACHINES.win11)).toMatchObject({ osPlatform: "Windows11", behavior: "online" });
    expect(by(DEFAULT_MACHINES.linux)).toMatchObject({ osPlatform: "Linux", behavior: "online" });
    expect(by(DEFAULT_MACHINES.offline).behavior).toBe("offline");
    expect(by(DEFAULT_MACHINES.failing).behavior).toBe("failing");
    expect(s.actions.some((a) => a.machine === DEFAULT_MACHINES.busy)).toBe(true);
    expect(s.machines.filter((m) => m.machineTags.length > 0).length).toBeGreaterThanOrEqual(3);
    expect(s.apps[0].roles).toEqual(["Machine.CollectForensics", "Machine.Read.All"]);
  });
});

describe("generateFleet", () => {
  it("makes n machines with ids that depend only on the seed", () => {
    const a = generateFleet(50, "seed-1");
    expect(a).toHaveLength(50);
    expect(new Set(a.map((m) => m.id)).size).toBe(50);
    expect(a.every((m) => /^[0-9a-f]{40}$/.test(m.id))).toBe(true);
    expect(generateFleet(50, "seed-1")).toEqual(a);
    expect(generateFleet(50, "seed-2")[0].id).not.toBe(a[0].id);
    expect(a[0].computerDnsName).toBe("fleet-00001.contoso.local");
  });

  it("can be requested from a scenario file", async () => {
    const s = resolveScenario({ ...defaultScenario(), fleet: { count: 500, packageSizeKiB: 256 } });
    expect(s.machines).toHaveLength(508);
    expect(s.machines[8].packageSizeKiB).toBe(256);
  });
});
