/**
 * The custody chain in a blob container: `custody.jsonl` is an append blob, and each line is
 * appended with the condition "the blob is still this long" (`appendPosition`). Two writers
 * (two stacks, two runners) that read the same last line cannot both append: the second gets
 * 412, re-reads the new last line and chains to it. So the chain never forks, without a lock.
 */
import type { ContainerClient } from "@azure/storage-blob";
import { processSingleton } from "../../util/registry";
import { HEAD_FILE } from "../attest";
import { HEAD_PARTIAL_FILE } from "../custodyFile";
import type { ChainAppender } from "../custodyLog";
import { CUSTODY_LOG_NAME } from "../custodyLog";
import { EvidenceError } from "../errors";
import { logExtent } from "../logLines";
import { describeBlobError, isBlobError } from "./container";
import { type BlobDestination, blobName } from "./destination";

/** Lines are small; the last one sits in the blob's last 64 KiB. */
const TAIL_BYTES = 64 * 1024;
/** Conflicting appends retried before giving up (each one means another writer made progress). */
const MAX_CONFLICTS = 50;

/** Each custody blob's queue of in-process appends; process-wide (../../util/registry.ts), like the blob. */
const appendQueues = () => processSingleton("evidence-locks", "blob", () => new Map<string, Promise<unknown>>());

export function blobAppender(d: BlobDestination, container: ContainerClient): ChainAppender {
  const client = container.getAppendBlobClient(blobName(d, CUSTODY_LOG_NAME));
  const key = `${d.endpoint}/${d.container}/${client.name}`;
  return {
    append(linesFor, headFor, onStep = () => undefined) {
      // One at a time within the process (no self-inflicted 412s); across processes, the condition.
      const queues = appendQueues();
      const run = (queues.get(key) ?? Promise.resolve()).then(() => appendOnce(d, container, client, linesFor, headFor, onStep));
      queues.set(key, run.catch(() => undefined));
      return run;
    },
  };
}

/**
 * One append: the signed head goes first to `custody.head.json.partial`, then the line(s) are
 * appended on condition, then the head replaces `custody.head.json` and the partial is deleted;
 * the same order as a folder's (custodyFile.ts), so an interrupted writer leaves the partial.
 * The head names the SHA-256 of the whole blob through the new line (its first `size` bytes,
 * streamed, plus the new line's), as a folder's does.
 * Append blocks are atomic, so a blob log has no torn lines to repair.
 */
async function appendOnce(
  d: BlobDestination,
  container: ContainerClient,
  client: ReturnType<ContainerClient["getAppendBlobClient"]>,
  linesFor: Parameters<ChainAppender["append"]>[0],
  headFor: Parameters<ChainAppender["append"]>[1],
  onStep: (step: string) => void,
): Promise<void> {
  try {
    await client.createIfNotExists({ blobHTTPHeaders: { blobContentType: "application/x-ndjson" } });
    for (let conflicts = 0; ; conflicts++) {
      const size = (await client.getProperties()).contentLength ?? 0;
      const last = size === 0 ? undefined : await tailLine(client, size);
      const texts = linesFor(last, undefined);
      const text = texts.map((t) => `${t}\n`).join("");
      // The blob's first `size` bytes cannot change (append-only), and the append below is conditional on `size`.
      const head = await headFor(texts[texts.length - 1], async () => logExtent(await firstBytes(client, size), Buffer.from(text, "utf8")));
      const partial = container.getBlockBlobClient(blobName(d, HEAD_PARTIAL_FILE));
      if (head !== undefined) {
        await partial.upload(head, Buffer.byteLength(head), { blobHTTPHeaders: { blobContentType: "application/json" } });
        onStep("head-prepared");
      }
      try {
        await client.appendBlock(text, Buffer.byteLength(text), { conditions: { appendPosition: size } });
        onStep("line-written");
        if (head !== undefined) {
          await container.getBlockBlobClient(blobName(d, HEAD_FILE)).upload(head, Buffer.byteLength(head), { blobHTTPHeaders: { blobContentType: "application/json" } });
          await partial.deleteIfExists();
          onStep("head-committed");
        }
        return;
      } catch (err) {
        if (!isBlobError(err, 412) || conflicts >= MAX_CONFLICTS) throw err;
      }
    }
  } catch (err) {
    if (err instanceof EvidenceError) throw err;
    throw describeBlobError(err, d, `cannot take a custody line in ${client.name}`);
  }
}

async function firstBytes(client: ReturnType<ContainerClient["getAppendBlobClient"]>, size: number): Promise<AsyncIterable<Buffer> | Buffer[]> {
  if (size === 0) return [];
  const res = await client.download(0, size);
  return res.readableStreamBody as AsyncIterable<Buffer>;
}

async function tailLine(client: ReturnType<ContainerClient["getAppendBlobClient"]>, size: number): Promise<string | undefined> {
  for (let want = Math.min(size, TAIL_BYTES); ; want = size) {
    const buf = await client.downloadToBuffer(size - want, want);
    const text = buf.toString("utf8").replace(/\n$/, "");
    const cut = text.lastIndexOf("\n");
    if (cut >= 0 || want === size) return text === "" ? undefined : text.slice(cut + 1);
  }
}
