/** Opens the evidence location `verify` was pointed at: a folder, or (blobSource.ts) a blob container. */
import { folderSource, type EvidenceSource } from "./source";

export async function openSource(location: string): Promise<EvidenceSource> {
  if (location.startsWith("azblob://")) {
    const { blobSource } = await import("./blobSource");
    return blobSource(location);
  }
  return folderSource(location);
}
