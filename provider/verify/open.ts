/** Opens the evidence location `verify` was pointed at: a folder, or (blobSource.ts) a blob container. */
import type { TokenCredential } from "@azure/identity";
import { folderSource, type EvidenceSource } from "./source";

/** `credential` signs in to a blob container (credential.ts); unused for a folder. */
export async function openSource(location: string, credential?: TokenCredential): Promise<EvidenceSource> {
  if (location.startsWith("azblob://")) {
    const { blobSource } = await import("./blobSource");
    return blobSource(location, credential);
  }
  return folderSource(location);
}
