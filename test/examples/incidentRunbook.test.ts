/**
 * examples/incident-runbook through the real Pulumi CLI against the emulator, driven by the
 * committed sample Pulumi.incident-2041.yaml: the first `pulumi up` collects its devices, a
 * follow-up alert adds exactly one collection (and previews as such, with no MDE call), and a
 * raised round collects one device again while the others stay as they are.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { DEFAULT_MACHINES } from "../../emulator";
import { EmulatedTenant } from "../helpers/e2e";
import { EXAMPLES, mdeConfig, sha256File, Stacks, stackFileConfig } from "./helpers";

const { win11, linux, mac } = DEFAULT_MACHINES;
let tenant: EmulatedTenant;
const stacks = new Stacks();

beforeAll(async () => {
  tenant = await EmulatedTenant.start({ timeScale: 60 });
});

afterAll(async () => {
  await stacks.dispose();
  await tenant.close();
});

it("collects the sample incident, then only what a follow-up or a new round adds", async () => {
  const evidence = path.join(tenant.dir, "evidence", "INC-2041");
  const sample = stackFileConfig(path.join(EXAMPLES, "incident-runbook", "Pulumi.incident-2041.yaml"));
  const config = { ...sample, ...mdeConfig(tenant), "incident-runbook:evidenceDirectory": { value: evidence } };
  const cli = stacks.open("incident-runbook", `incident-2041-${process.pid}`, tenant);
  cli.setConfig(config);

  // 1. The incident as committed: one package per device, kept and verified.
  const first = await cli.ok("up");
  const c1 = first.outputs.collections;
  expect(first.outputs.incident).toBe("INC-2041");
  expect(Object.keys(c1).sort()).toEqual(["lnx-srv01.contoso.local", "win11-ws01.contoso.local"]);
  for (const [device, machineId] of [["win11-ws01.contoso.local", win11], ["lnx-srv01.contoso.local", linux]] as const) {
    expect(c1[device]).toMatchObject({ status: "Succeeded", adopted: false, round: 1, machineId });
    expect(c1[device].packagePath.startsWith(evidence)).toBe(true);
    expect(sha256File(c1[device].packagePath)).toBe((await tenant.emulator.packageInfo(c1[device].actionId))!.sha256);
    expect(tenant.collectPosts(machineId)).toBe(1);
  }

  // 2. A follow-up alert names a new device and one already collected: preview shows one
  //    collection to create and calls no MDE API; up requests exactly that one.
  const followUps = [{ alert: "da638412041000000000_1234567890", devices: ["mac-ws01.contoso.local", "win11-ws01.contoso.local"], note: "same phishing sender" }];
  cli.setConfig({ ...config, "incident-runbook:followUps": { value: JSON.stringify(followUps) } });
  const before = tenant.apiRequests();
  const previewRun = await cli.run("preview");
  expect(previewRun.code).toBe(0);
  expect(previewRun.result.changeSummary).toEqual({ create: 1, same: 3 });
  expect(tenant.apiRequests()).toBe(before);

  const upRun = await cli.run("up");
  expect(upRun.code).toBe(0);
  expect(upRun.stderr).toContain("win11-ws01.contoso.local: already collected for INC-2041; raise rounds['win11-ws01.contoso.local'] to collect it again");
  const second = upRun.result;
  expect(second.summary).toEqual({ create: 1, same: 3 });
  expect(second.outputs.collections["mac-ws01.contoso.local"]).toMatchObject({ status: "Succeeded", machineId: mac });
  expect([tenant.collectPosts(win11), tenant.collectPosts(linux), tenant.collectPosts(mac)]).toEqual([1, 1, 1]);
  const [macState] = (await cli.resources()).filter((r) => r.id === second.outputs.collections["mac-ws01.contoso.local"].actionId);
  // The comment MDE records ends with the resource's correlation marker.
  expect(macState.outputs.requestorComment).toMatch(/^INC-2041, alert da638412041000000000_1234567890: same phishing sender \[[a-z2-7]{5}\.[a-z2-7]{4}\]$/);

  // 3. Round 2 for one device: that device is collected again, nothing else is touched, and the
  //    first package stays on disk beside the new one.
  cli.setConfig({
    ...config,
    "incident-runbook:followUps": { value: JSON.stringify(followUps) },
    "incident-runbook:rounds": { value: JSON.stringify({ "win11-ws01.contoso.local": 2 }) },
  });
  const third = await cli.ok("up");
  expect(third.summary).toEqual({ replace: 1, same: 3 });
  const again = third.outputs.collections["win11-ws01.contoso.local"];
  expect(again).toMatchObject({ status: "Succeeded", round: 2 });
  expect(again.actionId).not.toBe(c1["win11-ws01.contoso.local"].actionId);
  expect([tenant.collectPosts(win11), tenant.collectPosts(linux), tenant.collectPosts(mac)]).toEqual([2, 1, 1]);
  expect(fs.existsSync(c1["win11-ws01.contoso.local"].packagePath)).toBe(true);
  const custody = fs.readFileSync(path.join(evidence, "custody.jsonl"), "utf8").trim().split("\n").map((l) => JSON.parse(l));
  expect(custody.filter((l) => l.event === "verified").map((l) => l.actionId).sort()).toEqual(
    [c1["win11-ws01.contoso.local"].actionId, c1["lnx-srv01.contoso.local"].actionId, second.outputs.collections["mac-ws01.contoso.local"].actionId, again.actionId].sort(),
  );
}, 240_000);
