/**
 * Evidence kept in a blob container, as an {@link EvidenceStore}: parsed once, one container
 * client per destination and process (the credential's token cache is shared), its custody
 * appender (custody.ts) and the keep steps of keep.ts (this folder). Resources that share a
 * collection and a destination share one fetch.
 */
import type { TokenCredential } from "@azure/identity";
import { CUSTODY_LOG_NAME } from "../custodyLog";
import { EvidenceError } from "../errors";
import type { EvidenceStore } from "../store";
import { containerClient, preflightContainer } from "./container";
import { blobAppender } from "./custody";
import { parseBlobDestination } from "./destination";
import { keepInBlob } from "./keep";

export function blobStores(credential: (() => TokenCredential) | undefined): (location: string) => EvidenceStore {
  const stores = new Map<string, EvidenceStore>();
  let shared: TokenCredential | undefined;
  return (location) => {
    const d = parseBlobDestination(location);
    const known = stores.get(d.text);
    if (known) return known;
    if (!credential) throw new EvidenceError("destination", `evidence ${d.text}: this provider has no Azure credential for blob storage`);
    shared ??= credential();
    const container = containerClient(d, shared);
    const store: EvidenceStore = {
      location: d.text,
      appender: blobAppender(d, container),
      preflight: () => preflightContainer(d, container, CUSTODY_LOG_NAME),
      prepare: async () => undefined, // the appender creates the log blob
      fileName: (outs) => `${outs.machineId}-${outs.actionId}.zip`,
      keep: (outs, k, queued) => queued(`${outs.actionId}\n${d.text}`, (secrets) => keepInBlob({ ...k, secrets }, outs, d, container)),
    };
    stores.set(d.text, store);
    return store;
  };
}
