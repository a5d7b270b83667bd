/**
 * What the collection suites of the real engine share: an emulated tenant (×60) whose default
 * scenario gains slow devices (10 emulated minutes of work, so a test can hold or end their
 * collections), the collections in a stack's state, and the comment as MDE records it.
 */
import { defaultScenario } from "../../emulator";
import { EmulatedTenant } from "../helpers/e2e";
import type { StackCli } from "../helpers/stackCli";

/** Starts the tenant with `devices` (host name → machine id) added to the default scenario. */
export async function tenantWith(devices: Record<string, string>): Promise<EmulatedTenant> {
  const scenario = defaultScenario();
  const device = (id: string, name: string) =>
    ({ id, computerDnsName: `${name}.contoso.local`, osPlatform: "Windows11" as const, behavior: "slow" as const, params: { pendingSeconds: 60, inProgressSeconds: 540 } });
  scenario.machines = [...scenario.machines!, ...Object.entries(devices).map(([name, id]) => device(id, name))];
  return EmulatedTenant.start({ timeScale: 60, scenario });
}

export const collectionResources = async (cli: StackCli) =>
  (await cli.resources()).filter((r) => r.type === "pulumi-nodejs:dynamic/mde:InvestigationPackageCollection");

/** The comment as MDE records it: the declared one, a space and the 12-character correlation marker. */
export const marked = (comment: string) => new RegExp(`^${comment.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")} \\[[a-z2-7]{5}\\.[a-z2-7]{4}\\]$`);
