/**
 * Mistakes a user makes on examples/incident-runbook's stack, through the real CLI (issue #21):
 * a misspelt `mde:*` key (`mde:tenantID`), which was silently ignored and is now named at
 * preview with the setting meant; and an evidence folder where no folder can be made (under
 * /proc), where `up` hung forever and now fails at once, before anything is collected.
 */
import * as path from "node:path";
import { EmulatedTenant } from "../helpers/e2e";
import { EXAMPLES, mdeConfig, Stacks, stackFileConfig } from "./helpers";

let tenant: EmulatedTenant;
const stacks = new Stacks();
beforeAll(async () => {
  tenant = await EmulatedTenant.start({ timeScale: 60 });
});
afterAll(async () => {
  await stacks.dispose();
  await tenant?.close();
});

it("warns at preview about mde:tenantID, naming mde:tenantId", async () => {
  const sample = stackFileConfig(path.join(EXAMPLES, "incident-runbook", "Pulumi.incident-2041.yaml"));
  const cli = stacks.open("incident-runbook", `typo-${process.pid}`, tenant);
  cli.setConfig({ ...sample, ...mdeConfig(tenant), "mde:tenantID": { value: tenant.emulator.tenantId } });
  const preview = await cli.run("preview");
  expect(preview.code).toBe(0);
  expect(preview.stderr).toContain("stack config mde:tenantID is not a setting and is ignored: did you mean mde:tenantId?");
  expect(preview.stderr.match(/mde:tenantID is not a setting/g)).toHaveLength(1);
}, 300_000);

it("fails at once, collecting nothing, when the evidence folder is under /proc", async () => {
  const sample = stackFileConfig(path.join(EXAMPLES, "incident-runbook", "Pulumi.incident-2041.yaml"));
  const cli = stacks.open("incident-runbook", `proc-${process.pid}`, tenant);
  cli.setConfig({ ...sample, ...mdeConfig(tenant), "incident-runbook:evidenceDirectory": { value: "/proc/mde-forensics/INC-2041" } });
  const posts = () => Object.values(tenant.emulator.counters().collectPosts as Record<string, number>).reduce((a, b) => a + b, 0);
  const up = await cli.run("up");
  expect(up.code).not.toBe(0);
  expect(up.stderr).toContain("evidenceDirectory /proc/mde-forensics/INC-2041 cannot be created: the file system refused to create /proc/mde-forensics");
  expect(posts()).toBe(0);
}, 300_000);
