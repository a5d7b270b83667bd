/**
 * A sweep's `pulumi preview --diff` as a pull-request reviewer reads it, through the real CLI and
 * engine against the emulator: a machine added, a machine removed and a new round each show by
 * device name, in the engine's diff (the `devices` map, keyed by machine id) and in the sweep's
 * summary line. Before issue #21 the preview compared a sorted id list position by position
 * (machines that stay showed as removed) and named no device.
 */
import * as path from "node:path";
import { DEFAULT_MACHINES } from "../../emulator";
import { emulatorStackConfig } from "../../scripts/lib/emulatorConfig";
import { EmulatedTenant } from "../helpers/e2e";
import { REPO_ROOT, StackCli } from "../helpers/stackCli";

const { win11, linux, mac, win11b } = DEFAULT_MACHINES;
let tenant: EmulatedTenant;
let cli: StackCli;

beforeAll(async () => {
  tenant = await EmulatedTenant.start({ timeScale: 60 });
  cli = new StackCli(path.join(REPO_ROOT, "examples/sweep"), `preview-diff-${process.pid}`, tenant.env);
});
afterAll(async () => {
  await cli?.run("destroy");
  await cli?.run("remove");
  cli?.dispose();
  await tenant?.close();
});

function configure(machineIds: string[], triggers: Record<string, string> = {}): void {
  cli.setConfig({
    ...emulatorStackConfig(tenant.emulator, tenant.timeScale),
    "mde-sweep:name": { value: "inc-21" },
    "mde-sweep:select": { value: JSON.stringify({ machineIds }) },
    "mde-sweep:comment": { value: "INC-21: review" },
    "mde-sweep:triggers": { value: JSON.stringify(triggers) },
  });
}

async function preview(): Promise<string> {
  const r = await cli.run("preview");
  if (r.code !== 0) throw new Error(`preview failed (exit ${r.code}):\n${r.stderr.slice(-4000)}`);
  return r.stderr;
}

it("shows machines added, removed and collected again by name, and leaves the ones that stay out", async () => {
  configure([win11, linux, mac]);
  await cli.ok("up");

  // Swap one machine: lnx-srv01 leaves, win11-ws02 joins; the two that stay are not listed.
  configure([win11, mac, win11b]);
  const swapped = await preview();
  expect(swapped).toContain("InvestigationSweep 'inc-21': +1 added: win11-ws02.contoso.local; -1 removed: lnx-srv01.contoso.local (collections left as they are)");
  expect(swapped).toMatch(new RegExp(`\\+\\s+"?${win11b}"?: "win11-ws02\\.contoso\\.local"`));
  expect(swapped).toMatch(new RegExp(`-\\s+"?${linux}"?: "lnx-srv01\\.contoso\\.local"`));
  expect(swapped).not.toMatch(new RegExp(`[-+~]\\s+"?${win11}`));
  expect(swapped).not.toMatch(new RegExp(`[-+~]\\s+"?${mac}`));
  expect(swapped).not.toMatch(/\[\d+\]:/);

  // A new round: no machine changes, every one is collected again, by name.
  configure([win11, linux, mac], { round: "2" });
  const round = await preview();
  expect(round).toMatch(/~3 collected again: (?=.*win11-ws01\.contoso\.local)(?=.*lnx-srv01\.contoso\.local)(?=.*mac-ws01\.contoso\.local)/);
}, 600_000);

it("refuses a selector switched with --path (tag and filter both set) with the fix, not a stack trace", async () => {
  cli.setConfig({
    ...emulatorStackConfig(tenant.emulator, tenant.timeScale),
    "mde-sweep:name": { value: "inc-21" },
    "mde-sweep:select": { value: JSON.stringify({ tag: "finance", filter: "osPlatform eq 'Windows11'" }) },
    "mde-sweep:comment": { value: "INC-21: review" },
  });
  const r = await cli.run("preview");
  expect(r.code).not.toBe(0);
  expect(r.stderr).toContain("select must set exactly one of machineIds, computerDnsNames, tag, filter (got tag and filter). To switch selectors, set the whole selector");
  expect(r.stderr).toContain("pulumi config rm --path '<project>:select.tag'");
  expect(r.stderr).not.toMatch(/\n\s+at .+\.(js|ts):\d+/);
}, 300_000);
