/** A blob container as an evidence source for `verify` (filled in with the blob destination). */
import type { EvidenceSource } from "./source";

export async function blobSource(location: string): Promise<EvidenceSource> {
  throw new Error(`${location}: blob locations are not supported by this build`);
}
