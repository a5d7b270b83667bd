/**
 * Declares one InvestigationPackageCollection per entry of the `collections` config object,
 * keyed by resource name, with the entry as its arguments.
 */
import * as pulumi from "@pulumi/pulumi";
import { InvestigationPackageCollection, type InvestigationPackageCollectionArgs } from "pulumi-mde-forensics";

const entries = new pulumi.Config().requireObject<Record<string, InvestigationPackageCollectionArgs>>("collections");

const collections = Object.entries(entries).map(([name, args]) => [name, new InvestigationPackageCollection(name, args)] as const);

export const results = Object.fromEntries(
  collections.map(([name, c]) => [
    name,
    {
      actionId: c.actionId,
      status: c.status,
      adopted: c.adopted,
      machineId: c.machineId,
      computerDnsName: c.computerDnsName,
      requestorComment: c.requestorComment,
      errorHResult: c.errorHResult,
      packagePath: c.packagePath,
      packageSha256: c.packageSha256,
      packageSizeBytes: c.packageSizeBytes,
      manifestPath: c.manifestPath,
    },
  ]),
);
