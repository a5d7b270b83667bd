/**
 * The drill's program: one collection per device, requested wave after wave. A wave's
 * collections depend on every collection of the wave before, so the emulator receives the
 * requests in the same order on every run (it numbers new actions in arrival order, and the
 * package bytes derive from the action id). A real runbook needs none of this; see
 * ../incident-runbook.
 */
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { InvestigationPackageCollection } from "pulumi-mde-forensics";

interface DrillDevice {
  name: string;
  /** 1, 2, ...: a wave starts when the previous one has finished. @default 1 */
  wave?: number;
}

const config = new pulumi.Config();
const incident = config.require("incident");
const reason = config.get("reason") ?? "incident exercise";
const devices = config.requireObject<DrillDevice[]>("devices");
const evidenceDirectory = path.resolve(config.get("evidenceDirectory") ?? path.join("evidence", incident));

const waves = new Map<number, DrillDevice[]>();
for (const d of devices) {
  const wave = d.wave ?? 1;
  if (!Number.isInteger(wave) || wave < 1) throw new Error(`device ${d.name}: wave must be a whole number ≥ 1, got ${d.wave}`);
  waves.set(wave, [...(waves.get(wave) ?? []), d]);
}

let previous: InvestigationPackageCollection[] = [];
const collections: Record<string, InvestigationPackageCollection> = {};
for (const wave of [...waves.keys()].sort((a, b) => a - b)) {
  const current = waves.get(wave)!.map((d) => {
    const c = new InvestigationPackageCollection(
      d.name.toLowerCase().replace(/[^a-z0-9-]+/g, "-"),
      { computerDnsName: d.name, comment: `${incident}: ${reason}`, evidenceDirectory },
      { dependsOn: previous },
    );
    collections[d.name] = c;
    return c;
  });
  previous = current;
}

export const results = Object.fromEntries(
  Object.entries(collections).map(([device, c]) => [
    device,
    { actionId: c.actionId, status: c.status, adopted: c.adopted, machineId: c.machineId, packageSha256: c.packageSha256, packagePath: c.packagePath },
  ]),
);
