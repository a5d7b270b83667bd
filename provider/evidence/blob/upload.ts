/**
 * The blob half of the one streamed pass: the bytes that reach the local `.partial` (needed to
 * check the ZIP) are staged as uncommitted blocks at the same time, a few in flight, so memory
 * stays flat whatever the package's size. Uncommitted blocks are invisible: until
 * `commitBlockList` (after the hash and the ZIP check), no blob exists that could look complete,
 * and a failed attempt's blocks are never committed (Azure drops them after a week).
 */
import type { BlockBlobClient } from "@azure/storage-blob";
import type { ChunkSink } from "../download";
import { EvidenceError } from "../errors";

/** Bytes per block: 1 GiB is 256 blocks (limit 50 000); 4 in flight hold 16 MiB at most. */
export const BLOCK_BYTES = 4 * 1024 * 1024;
const IN_FLIGHT = 4;

export interface StagedUpload extends ChunkSink {
  /** Block ids in order, once `finish` resolved. */
  readonly blockIds: string[];
}

/** Stages an attempt's bytes as blocks of `blob`; ids carry the attempt so retries never mix. */
export function stageBlocks(blob: BlockBlobClient, attempt: number, describe: (err: unknown) => EvidenceError): StagedUpload {
  const blockIds: string[] = [];
  const inFlight = new Set<Promise<void>>();
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  let failure: EvidenceError | undefined;

  const stage = (data: Buffer) => {
    // Fixed-length ids (Azure requires equal lengths within a blob): attempt and index, base64.
    const id = Buffer.from(`a${String(attempt).padStart(3, "0")}-b${String(blockIds.length).padStart(6, "0")}`).toString("base64");
    blockIds.push(id);
    const p: Promise<void> = blob.stageBlock(id, data, data.length).then(
      () => {
        inFlight.delete(p);
      },
      (err: unknown) => {
        inFlight.delete(p);
        failure ??= describe(err);
      },
    );
    inFlight.add(p);
  };
  const cut = async (all: boolean) => {
    while (pendingBytes >= BLOCK_BYTES || (all && pendingBytes > 0)) {
      const joined = Buffer.concat(pending, pendingBytes);
      const block = joined.subarray(0, Math.min(BLOCK_BYTES, joined.length));
      const rest = joined.subarray(block.length);
      pending = rest.length ? [Buffer.from(rest)] : [];
      pendingBytes = rest.length;
      stage(Buffer.from(block));
      while (inFlight.size >= IN_FLIGHT) await Promise.race(inFlight);
      if (failure) throw failure;
    }
  };
  return {
    blockIds,
    async write(data) {
      if (failure) throw failure;
      pending.push(Buffer.from(data)); // the caller reuses nothing, but a copy keeps ownership plain
      pendingBytes += data.length;
      await cut(false);
    },
    async finish() {
      await cut(true);
      await Promise.all(inFlight);
      if (failure) throw failure;
    },
  };
}
