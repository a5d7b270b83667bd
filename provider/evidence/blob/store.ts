/**
 * One blob destination as the handler sees it: parsed once, one container client per
 * destination and process (the credential's token cache is shared), its custody appender and
 * the writer of its signed chain head.
 */
import type { TokenCredential } from "@azure/identity";
import type { ContainerClient } from "@azure/storage-blob";
import type { ChainAppender } from "../custodyLog";
import { CUSTODY_LOG_NAME } from "../custodyLog";
import { EvidenceError } from "../errors";
import { containerClient, preflightContainer } from "./container";
import { blobAppender } from "./custody";
import { type BlobDestination, parseBlobDestination } from "./destination";

export interface BlobStore {
  d: BlobDestination;
  container: ContainerClient;
  appender: ChainAppender;
  preflight(): Promise<void>;
}

export function blobStores(credential: (() => TokenCredential) | undefined): (location: string) => BlobStore {
  const stores = new Map<string, BlobStore>();
  let shared: TokenCredential | undefined;
  return (location) => {
    const d = parseBlobDestination(location);
    const known = stores.get(d.text);
    if (known) return known;
    if (!credential) throw new EvidenceError("destination", `evidence ${d.text}: this provider has no Azure credential for blob storage`);
    shared ??= credential();
    const container = containerClient(d, shared);
    const store: BlobStore = {
      d,
      container,
      appender: blobAppender(d, container),
      preflight: () => preflightContainer(d, container, CUSTODY_LOG_NAME),
    };
    stores.set(d.text, store);
    return store;
  };
}
