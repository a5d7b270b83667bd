import * as pulumi from "@pulumi/pulumi";
import { correlationMarker } from "../adoption/marker";
import type { CollectionRequestArgs } from "./requestArgs";
import { collectionShim } from "./shim";
import { warnUnknownSettingsOnce } from "./settingsWarnings";

/** Which device, and the request's settings (./requestArgs.ts). */
export interface InvestigationPackageCollectionArgs extends CollectionRequestArgs {
  /** The device's 40-character MDE id. Set this or `computerDnsName`. */
  machineId?: pulumi.Input<string>;
  /** The device name; it must match exactly one device. Set this or `machineId`. */
  computerDnsName?: pulumi.Input<string>;
  /**
   * Where to keep the evidence: a local folder (as `evidenceDirectory`) or a blob container, set this or
   * `evidenceDirectory`, not both: `azblob://<account>/<container>[/<prefix>][?legalHold=true&retentionDays=<n>&endpoint=<url>]`.
   */
  evidence?: pulumi.Input<string>;
  /** Cancel the collection when the resource is deleted while it is still Pending or InProgress. @default false */
  cancelOnDelete?: pulumi.Input<boolean>;
}

/**
 * An MDE investigation package collection, declared: `pulumi up` requests it (or adopts the one already running on
 * the device), waits for it within the API's quotas, and keeps the package as evidence when asked to. The MDE
 * action id is the resource id, so it is never requested twice.
 */
export class InvestigationPackageCollection extends pulumi.dynamic.Resource {
  declare readonly actionId: pulumi.Output<string>;
  declare readonly status: pulumi.Output<string>;
  declare readonly adopted: pulumi.Output<boolean>;
  /** The correlation marker appended to the comment MDE records, e.g. `[k3f9a.q2mz]`. */
  declare readonly marker: pulumi.Output<string>;
  declare readonly machineId: pulumi.Output<string>;
  declare readonly computerDnsName: pulumi.Output<string | null>;
  declare readonly requestor: pulumi.Output<string | null>;
  declare readonly requestorComment: pulumi.Output<string | null>;
  declare readonly creationDateTimeUtc: pulumi.Output<string>;
  declare readonly lastUpdateDateTimeUtc: pulumi.Output<string | null>;
  declare readonly errorHResult: pulumi.Output<number | null>;
  declare readonly packagePath: pulumi.Output<string | undefined>;
  declare readonly packageSha256: pulumi.Output<string | undefined>;
  declare readonly packageSizeBytes: pulumi.Output<number | undefined>;
  declare readonly manifestPath: pulumi.Output<string | undefined>;

  constructor(name: string, args: InvestigationPackageCollectionArgs, opts?: pulumi.CustomResourceOptions) {
    warnUnknownSettingsOnce();
    super(
      collectionShim,
      name,
      {
        ...args,
        actionId: undefined,
        status: undefined,
        adopted: undefined,
        requestor: undefined,
        requestorComment: undefined,
        creationDateTimeUtc: undefined,
        lastUpdateDateTimeUtc: undefined,
        errorHResult: undefined,
        packagePath: undefined,
        packageSha256: undefined,
        packageSizeBytes: undefined,
        manifestPath: undefined,
        machineId: args.machineId,
        computerDnsName: args.computerDnsName,
        // Computed here because only the program knows the stack and the resource's name: a
        // dynamic provider's create never sees the URN. See ../adoption/marker.ts.
        marker: pulumi
          .all([pulumi.output(args.comment), pulumi.output(args.triggers)])
          .apply(([comment, triggers]) => correlationMarker(collectionOwner(name), { comment, triggers: triggers ?? null })),
      },
      opts,
      "mde",
      "InvestigationPackageCollection",
    );
  }
}

/** Who asks for a collection declared as resource `name`: the marker's owner part. */
export function collectionOwner(name: string): string[] {
  return [pulumi.getProject(), pulumi.getStack(), "InvestigationPackageCollection", name];
}
