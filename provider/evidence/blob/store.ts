/**
 * Evidence kept in a blob container, as an {@link EvidenceStore}: parsed once, one container
 * client per destination and process (the credential's token cache is shared), its custody
 * appender (custody.ts) and the keep steps of keep.ts (this folder). Resources that share a
 * collection and a destination share one fetch.
 */
import type { TokenCredential } from "@azure/identity";
import { createHash } from "node:crypto";
import { CUSTODY_LOG_NAME } from "../custodyLog";
import { EvidenceError } from "../errors";
import type { EvidenceStore } from "../store";
import { containerClient, describeBlobError, preflightContainer } from "./container";
import { blobAppender } from "./custody";
import { blobName, parseBlobDestination } from "./destination";
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
      async manifestSha256(outs) {
        const blob = container.getBlobClient(blobName(d, `${outs.machineId}-${outs.actionId}.json`));
        const bytes = await blob.downloadToBuffer().catch((err: unknown) => Promise.reject(describeBlobError(err, d, `cannot read ${blob.name}`)));
        return createHash("sha256").update(bytes).digest("hex");
      },
      async readLog() {
        const log = container.getBlobClient(blobName(d, CUSTODY_LOG_NAME));
        const res = await log.download().catch((err: unknown) => Promise.reject(describeBlobError(err, d, `cannot read ${log.name} back`)));
        return res.readableStreamBody as AsyncIterable<Buffer>;
      },
      async putToken(name, bytes) {
        const blob = container.getBlockBlobClient(blobName(d, name));
        await blob.upload(bytes, bytes.length, { conditions: { ifNoneMatch: "*" }, blobHTTPHeaders: { blobContentType: "application/timestamp-reply" } }).catch((err: unknown) => {
          throw describeBlobError(err, d, `refused the time-stamp token ${blob.name}`);
        });
      },
    };
    stores.set(d.text, store);
    return store;
  };
}
