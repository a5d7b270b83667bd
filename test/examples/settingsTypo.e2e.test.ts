/**
 * A misspelt `mde:*` key on a user's stack (`pulumi config set mde:tenantID …`): `pulumi preview`
 * of examples/incident-runbook names it and the setting meant, through the real CLI. Before
 * issue #21 it was silently ignored.
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
