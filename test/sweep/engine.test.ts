/**
 * One InvestigationSweep through the real Pulumi CLI and engine: the program looks the machines
 * up by tag (preview included), the provider host collects and keeps each package.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { defaultScenario, generateFleet } from "../../emulator";
import { emulatorStackConfig } from "../../scripts/lib/emulatorConfig";
import { EmulatedTenant } from "../helpers/e2e";
import { REPO_ROOT, StackCli } from "../helpers/stackCli";

const SWEEP_PROJECT = path.join(REPO_ROOT, "examples/sweep");
// The fleet's machines carry `ring-<i % 4>`: ring-1 is machines 1, 5 and 9 of 12.
const ring1 = generateFleet(12, "sweep-test").filter((_, i) => i % 4 === 1);

let tenant: EmulatedTenant;
let cli: StackCli;

beforeAll(async () => {
  const scenario = { ...defaultScenario(), machines: generateFleet(12, "sweep-test"), actions: [] };
  tenant = await EmulatedTenant.start({ timeScale: 60, scenario, control: true });
  cli = new StackCli(SWEEP_PROJECT, `sweep${process.pid}`, tenant.env);
  const e = tenant.emulator;
  cli.setConfig({
    ...emulatorStackConfig(e, 60),
    "mde-sweep:name": { value: "inc7" },
    "mde-sweep:select": { value: JSON.stringify({ tag: "ring-1" }) },
    "mde-sweep:comment": { value: "INC-7: lateral movement" },
    "mde-sweep:evidenceDirectory": { value: path.join(tenant.dir, "evidence") },
  });
});

afterAll(async () => {
  await cli.run("destroy");
  await cli.run("remove");
  cli.dispose();
  await tenant.close();
});

const requests = (route: string) => Object.values(tenant.emulator.counters().requests[route] ?? {}).reduce((a, b) => a + b, 0);

it("lists the tagged machines in preview, collects one package each, reports counts and a table, and never collects twice", async () => {
  const preview = await cli.run("preview");
  expect(preview.code).toBe(0);
  expect(preview.result.changeSummary).toEqual({ create: 5 }); // stack, sweep, 3 collections
  for (const m of ring1) expect(preview.stderr).toContain(`inc7-${m.id}`);
  expect(requests("GET /api/machines/findbytag")).toBe(1);
  expect(requests("POST /api/machines/{id}/collectInvestigationPackage")).toBe(0);

  const up = await cli.ok("up");
  expect(up.outputs.counts).toEqual({ total: 3, Pending: 0, InProgress: 0, Succeeded: 3, Failed: 0, TimeOut: 0, Cancelled: 0 });
  const rows = up.outputs.machines as Array<Record<string, unknown>>;
  expect(rows.map((r) => r.machineId)).toEqual(ring1.map((m) => m.id).sort());
  for (const row of rows) {
    const m = ring1.find((x) => x.id === row.machineId)!;
    const info = await tenant.emulator.packageInfo(row.actionId as string);
    expect(row).toMatchObject({ computerDnsName: m.computerDnsName, resourceName: `inc7-${m.id}`, status: "Succeeded", adopted: false, packageSha256: info!.sha256 });
    expect(tenant.collectPosts(m.id)).toBe(1);
  }
  // The program's lookup read the secret config, but neither it nor a token reached the
  // checkpoint as the backend keeps it (`stack export` would decrypt secrets for display).
  const state = filesUnder(path.join(cli.stateDir, ".pulumi")).map((f) => fs.readFileSync(f, "utf8")).join("\n");
  expect(state).toContain("mde-forensics:index:InvestigationSweep");
  expect(state).not.toContain(tenant.emulator.clientSecret);
  expect(state).not.toMatch(/Bearer|eyJ[A-Za-z0-9_-]{10,}\./);

  const again = await cli.ok("up");
  expect(again.summary).toEqual({ same: 5 });
  for (const m of ring1) expect(tenant.collectPosts(m.id)).toBe(1);
});

it("fails preview with a clear message when the selection matches nothing", async () => {
  const other = new StackCli(SWEEP_PROJECT, `sweepempty${process.pid}`, tenant.env);
  try {
    const e = tenant.emulator;
    other.setConfig({
      ...emulatorStackConfig(e, 60),
      "mde-sweep:select": { value: JSON.stringify({ tag: "no-such-tag" }) },
      "mde-sweep:comment": { value: "INC-7" },
    });
    const r = await other.run("preview");
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain("tag 'no-such-tag' selects no device in Defender for Endpoint");
  } finally {
    await other.run("remove");
    other.dispose();
  }
});

function filesUnder(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true, recursive: true }).filter((e) => e.isFile()).map((e) => path.join(e.parentPath, e.name));
}
