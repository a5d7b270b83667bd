/**
 * An evidence folder as the provider keeps it (`<machineId>-<actionId>.zip`, its manifest, a
 * custody log recording each package as verified), built straight from the emulator's package
 * builder for a scenario, without collecting: the triage report's benchmark (triageReport.ts)
 * and suites (test/report/) read it.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { PackageBuilder } from "../emulator/packages/packages";
import { resolveScenario, type Scenario } from "../emulator/scenario/scenario";
import type { ScenarioInput } from "../emulator/scenario/scenarioSchema";
import type { StoredAction } from "../emulator/persistence/store";
import { CustodyLog, sha256Hex } from "../provider/evidence/custodyLog";
import { MANIFEST_SCHEMA, type PackageManifest } from "../provider/evidence/manifest";

export const TENANT = "6f1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d";

/** A scenario of `count` generated machines (the fleet's platform mix) with `plants`. */
export function fleetScenario(name: string, count: number, plants: ScenarioInput["plants"] = [], evidence: ScenarioInput["evidence"] = undefined): Scenario {
  return resolveScenario({
    name,
    tenants: [{ id: TENANT }],
    apps: [{ clientId: "3f2c1a0e-5b6d-4c7e-8f90-a1b2c3d4e5f6", clientSecret: "x", displayName: "drill" }],
    fleet: { count, namePrefix: "ws" },
    plants,
    ...(evidence ? { evidence } : {}),
  } as ScenarioInput);
}

export function actionFor(machine: Scenario["machines"][number], n: number): StoredAction {
  const id = `00000000-0000-4000-8000-${String(n).padStart(12, "0")}`;
  return {
    id, tenantId: TENANT, machineId: machine.id, computerDnsName: machine.computerDnsName, osPlatform: machine.osPlatform, type: "CollectInvestigationPackage",
    requestor: "drill", requestorComment: "INC-1", createdMs: 0, plan: { pickupMs: 0, workMs: 0, timeoutMs: 0, outcome: "Succeeded", errorHResult: 0 }, packageSizeKiB: null, cancellation: null,
  } as StoredAction;
}

/** Writes one package (bytes given) with its manifest and a `verified` custody line. */
export async function keepPackage(dir: string, log: CustodyLog, machine: { id: string; computerDnsName: string }, actionId: string, bytes: Buffer): Promise<string> {
  const base = `${machine.id}-${actionId}`;
  const sha256 = sha256Hex(bytes);
  writeFileSync(join(dir, `${base}.zip`), bytes);
  // No `verification` block: verify compares its entry count only when a manifest records one.
  const manifest: Omit<PackageManifest, "verification"> = {
    schema: MANIFEST_SCHEMA, actionId, machineId: machine.id, computerDnsName: machine.computerDnsName, requestor: "drill", requestorComment: "INC-1",
    creationDateTimeUtc: "2025-03-14T09:30:00Z", completionDateTimeUtc: "2025-03-14T09:40:00Z", adopted: false, apiOrigin: "https://127.0.0.1", tenantId: TENANT,
    fileName: `${base}.zip`, sizeBytes: bytes.length, sha256, downloadStartedUtc: "2025-03-14T09:41:00Z", downloadEndedUtc: "2025-03-14T09:41:01Z",
    tool: { name: "pulumi-mde-forensics", version: "test" }, operator: "drill@test", signature: { status: "unsigned" },
  };
  writeFileSync(join(dir, `${base}.json`), JSON.stringify(manifest, null, 2));
  await log.append(dir, "verified", { actionId, machineId: machine.id, computerDnsName: machine.computerDnsName }, { sha256 });
  return `${base}.zip`;
}

export function testCustodyLog(): CustodyLog {
  let t = Date.parse("2025-03-14T10:00:00Z");
  return new CustodyLog({ clock: { now: () => (t += 1000), sleep: async () => undefined }, tool: "test@0", operator: "drill@test" });
}

/** Builds every machine's package of `scenario` into `dir` (created). */
export async function writeFleet(dir: string, scenario: Scenario, seed: string): Promise<void> {
  mkdirSync(dir, { recursive: true });
  const builder = new PackageBuilder(seed, scenario);
  const log = testCustodyLog();
  let n = 0;
  for (const m of scenario.machines) {
    const action = actionFor(m, ++n);
    const { bytes } = await builder.build(action);
    await keepPackage(dir, log, m, action.id, bytes);
  }
}
