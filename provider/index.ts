/**
 * pulumi-mde-forensics: Microsoft Defender for Endpoint investigation packages as Pulumi resources.
 */
export { InvestigationPackageCollection, type InvestigationPackageCollectionArgs } from "./resource/resource";
export { correlationMarker, MARKER_LENGTH, markerOf } from "./adoption/marker";
export * from "./sweep";
/** What a machine id looks like (40 hexadecimal characters), to tell one from a device name. */
export { MACHINE_ID_PATTERN } from "./api/machineIdPattern";
