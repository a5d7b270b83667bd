/**
 * Evidence handling for investigation packages: pre-flight of the evidence folder, one
 * process-wide queue for GetPackageUri + download, verified storage, manifest and custody log.
 * The resource depends only on `createEvidenceHandler` and the types of subject.ts (what a package
 * is evidence of; evidence/ imports nothing of the resource); the rest is exported for tests and tools.
 */
export { createEvidenceHandler } from "./handler";
export type { EvidenceHandler, EvidenceOutputs, EvidenceSubject } from "./subject";
export { closeDefaultEvidenceDispatcher, DEFAULT_EVIDENCE_OPTIONS, type EvidenceHandlerOptions } from "./options";
export { EvidenceError, type EvidenceErrorKind, isEvidenceError } from "./errors";
export { CUSTODY_EVENTS, CUSTODY_LOG_NAME, type CustodyEvent, type CustodyLine } from "./custodyLog";
export { MANIFEST_SCHEMA, type PackageManifest } from "./manifest";
export { type FetchQueue, SerialQueue, sharedFetchQueue } from "./fetchQueue";
export { preflightDirectory } from "./preflight";
export { verifyZip, type ZipSummary } from "./verifyZip";
export { loadPublicKey, loadSigningKey, SIGNING_KEY_CONFIG, signingKeyFromConfig, type SigningKeySource } from "./signingKey";
export { resolveEvidencePath } from "./projectPath";
export { TIMESTAMP_CONFIG, timestampFromConfig } from "./timestamp/settings";
