/**
 * The main program: one investigation package per device named in the stack config, kept as
 * evidence. `npm run demo` runs it against the embedded emulator; the README shows how to point
 * it at a real tenant.
 */
import * as pulumi from "@pulumi/pulumi";
import { InvestigationPackageCollection, MACHINE_ID_PATTERN } from "pulumi-mde-forensics";

const config = new pulumi.Config();
const incident = config.require("incident");
const devices = config.requireObject<string[]>("devices");
const evidenceDirectory = config.get("evidenceDirectory");

const isMachineId = (device: string) => MACHINE_ID_PATTERN.test(device);

const collections = devices.map(
  (device) =>
    new InvestigationPackageCollection(device.toLowerCase().replace(/[^a-z0-9-]+/g, "-"), {
      ...(isMachineId(device) ? { machineId: device } : { computerDnsName: device }),
      comment: `${incident}: investigation package requested by pulumi-mde-forensics`,
      evidenceDirectory,
    }),
);

export const packages = collections.map((c) => ({
  device: c.computerDnsName,
  machineId: c.machineId,
  actionId: c.actionId,
  status: c.status,
  adopted: c.adopted,
  packageSha256: c.packageSha256,
  packageSizeBytes: c.packageSizeBytes,
  packagePath: c.packagePath,
}));
