/**
 * pulumi-mde-forensics: Microsoft Defender for Endpoint investigation packages as Pulumi resources.
 */
export { InvestigationPackageCollection, type InvestigationPackageCollectionArgs } from "./resource/resource";
export { correlationMarker, MARKER_LENGTH, markerOf } from "./adoption/marker";
export * from "./sweep";
