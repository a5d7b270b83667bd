/**
 * One blob destination as the handler sees it: parsed once, one container client per
 * destination and process (the credential's token cache is shared), its custody appender and
 * the writer of its signed chain head.
 */
import type { TokenCredential } from "@azure/identity";
import type { ContainerClient } from "@azure/storage-blob";
import { createHash, type KeyObject } from "node:crypto";
import { chainHead, headStatement, HEAD_FILE } from "../attest";
import type { ChainAppender, CustodyLine } from "../custodyLog";
import { CUSTODY_LOG_NAME } from "../custodyLog";
import { signStatement } from "../dsse";
import { EvidenceError } from "../errors";
import { containerClient, describeBlobError, preflightContainer } from "./container";
import { blobAppender } from "./custody";
import { type BlobDestination, blobName, parseBlobDestination } from "./destination";

export interface BlobStore {
  d: BlobDestination;
  container: ContainerClient;
  appender: ChainAppender;
  preflight(): Promise<void>;
  /** The custody log's bytes, streamed. */
  readLog(): Promise<AsyncIterable<Buffer>>;
  /** Writes a time-stamp token blob, create-only. */
  putToken(name: string, bytes: Buffer): Promise<void>;
  /** SHA-256 of a small blob's bytes (a manifest), for the custody line that claims it. */
  sha256Of(name: string): Promise<string>;
  /** Replaces the chain head's envelope (the one blob that moves; each version stays with versioning on), through the line whose SHA-256 is given. */
  writeHead(lastLineSha256: string, line: CustodyLine, key: KeyObject): Promise<void>;
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
      async sha256Of(name) {
        const blob = container.getBlobClient(blobName(d, name));
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
      async writeHead(lastLineSha256, line, key) {
        const head = await chainHead(await store.readLog(), lastLineSha256, line, blobName(d, CUSTODY_LOG_NAME));
        const text = `${JSON.stringify(signStatement(headStatement(head), key), null, 2)}\n`;
        const blob = container.getBlockBlobClient(blobName(d, HEAD_FILE));
        await blob.upload(text, Buffer.byteLength(text), { blobHTTPHeaders: { blobContentType: "application/json" } }).catch((err: unknown) => {
          throw describeBlobError(err, d, `refused the custody head ${blob.name}`);
        });
      },
    };
    stores.set(d.text, store);
    return store;
  };
}
