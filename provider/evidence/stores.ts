/**
 * The {@link EvidenceStore} of each location, chosen once from its spelling and cached per
 * location: `azblob://…` is a blob container (blob/store.ts), anything else a folder
 * (folderStore.ts). The handler asks here and never branches on the kind again.
 */
import { isBlobDestination } from "./blob/destination";
import { blobStores } from "./blob/store";
import { folderStore, type KeptHere } from "./folderStore";
import type { EvidenceStore } from "./store";

/** The store of each location, chosen once from its spelling: `azblob://…` is a container, anything else a folder. */
export function evidenceStores(blobCredential: (() => import("@azure/identity").TokenCredential) | undefined): (location: string) => EvidenceStore {
  const blob = blobStores(blobCredential);
  const folders = new Map<string, EvidenceStore>();
  const keptHere: KeptHere = new Map();
  return (location) => {
    if (isBlobDestination(location)) return blob(location);
    let store = folders.get(location);
    if (!store) folders.set(location, (store = folderStore(location, keptHere)));
    return store;
  };
}
