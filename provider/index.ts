/**
 * pulumi-mde-forensics: Microsoft Defender for Endpoint investigation packages as Pulumi resources.
 *
 * Which folder may import which (an arrow points at what is imported; no cycle between folders):
 *
 *   util ← api ← adoption ← resource ← sweep
 *          api ← evidence ← resource
 *                evidence ← verify
 *
 * util: clock, redaction, logging, the process's registry of shared state (util/registry.ts).
 * api: the MDE client and its contract (api/collectionApi.ts). adoption: finding the collection
 * already running. evidence: fetching and keeping packages, with its own subject type
 * (evidence/subject.ts), so it never imports resource/. resource: the single collection (its
 * shim, runtime and provider context). sweep: many machines, built on resource/. verify: the
 * offline checker of kept evidence.
 *
 * Still against the direction: api/client.ts imports adoption/request.ts and adoption/candidates.ts
 * (a collect request adopts the running collection), which closes a cycle api ↔ adoption.
 */
export { InvestigationPackageCollection, type InvestigationPackageCollectionArgs } from "./resource/resource";
export { correlationMarker, MARKER_LENGTH, markerOf } from "./adoption/marker";
export * from "./sweep";
/** What a machine id looks like (40 hexadecimal characters), to tell one from a device name. */
export { MACHINE_ID_PATTERN } from "./api/machineIdPattern";
