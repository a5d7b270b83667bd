/**
 * pulumi-mde-forensics: Microsoft Defender for Endpoint investigation packages as Pulumi resources.
 *
 * Which folder may import which (an arrow points at what is imported; no cycle between folders):
 *
 *   util ← api ← adoption ← resource ← sweep
 *          api ← evidence ← resource
 *                evidence ← verify
 *                evidence, verify ← report
 *
 * util: clock, redaction, logging, the process's registry of shared state (util/registry.ts).
 * api: the MDE client and its contract (api/collectionApi.ts), including the POST that adopts
 * the collection MDE says is already running (api/collectRequest.ts). adoption: which of a
 * device's collections belongs to a declaration (marker, pre-check, batched finder). evidence: fetching and keeping packages, with its own subject type
 * (evidence/subject.ts), so it never imports resource/. resource: the single collection (its
 * shim, dynamic provider and provider context). sweep: many machines, built on resource/. verify: the
 * offline checker of kept evidence. report: the fleet triage report read from verified packages.
 */
export { InvestigationPackageCollection, type InvestigationPackageCollectionArgs } from "./resource/resource";
export { correlationMarker, MARKER_LENGTH, markerOf } from "./adoption/marker";
export * from "./sweep";
/** What a machine id looks like (40 hexadecimal characters), to tell one from a device name. */
export { MACHINE_ID_PATTERN } from "./api/machineIdPattern";
// The triage report from code is the `pulumi-mde-forensics/report` entry (report/index.ts): its
// types come from a zod schema, which this entry's public types must not expose.
/** The stack's evidence signing key (`mde:evidenceSigningKey`, `mde:evidenceSigningKeyFile`): a program's report re-signs the custody head with it. */
export { signingKeyFromConfig, type SigningKeySource } from "./evidence/signingKey";
