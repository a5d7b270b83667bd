/**
 * What evidence/ works on, in its own terms: the collection a package is evidence OF (its
 * action, device, who asked and why, where to keep it) and what keeping it produced.
 *
 * evidence/ defines these itself so that it depends on no caller: the resource's outputs
 * (../resource/outputs.ts) are built as a subject plus the resource's own settings, and the
 * sweep hands each machine's outputs the same way.
 */

/** Where and what the kept package is; the resource copies these into its outputs. */
export interface EvidenceOutputs {
  packagePath: string;
  packageSha256: string;
  packageSizeBytes: number;
  manifestPath: string;
}

/** One MDE investigation-package collection, as a package's manifest and custody lines record it. */
export interface EvidenceSubject extends Partial<EvidenceOutputs> {
  actionId: string;
  machineId: string;
  computerDnsName: string | null;
  /** The action's status; a package is fetched only after `Succeeded`. */
  status: string;
  /** Why the package was asked for (the comment MDE records, without the marker). */
  comment: string;
  triggers: Record<string, string>;
  /** The correlation marker the request carried (../adoption/marker.ts); null before 0.2 or when adopted. */
  marker?: string | null;
  /** Whether the collection was someone else's, adopted rather than requested. */
  adopted: boolean;
  /** A folder or `azblob://` destination; null when evidence is not kept. */
  evidenceDirectory: string | null;
  requestor: string | null;
  requestorComment: string | null;
  creationDateTimeUtc: string;
  lastUpdateDateTimeUtc: string | null;
  errorHResult: number | null;
}

export interface EvidenceHandler {
  /** Fails, before any collection is requested, when the location (folder or blob container) cannot hold evidence. */
  preflight(location: string): Promise<void>;
  /** Fetches, verifies and records the package of a Succeeded collection. */
  fetch(subject: EvidenceSubject, options: { adopted: boolean }): Promise<EvidenceOutputs>;
  /** Appends a chain-of-custody event (requested, adopted, failed, superseded, ...) to the location's log; `extra` adds details. */
  record(location: string, event: string, subject: Partial<EvidenceSubject>, extra?: Record<string, string | number | boolean | null>): Promise<void>;
}
