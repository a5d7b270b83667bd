/**
 * What the evidence path is measured against, on the same file in the same run (bench/evidence.ts):
 * the simple tools a responder would otherwise use (`sha256sum`, then `cp`, then `sync` of the
 * copy: read, hash, copy, flush), and the storage SDK on its own (@azure/storage-blob's
 * `uploadStream` of the same bytes, with the block size and concurrency our upload uses).
 * Both return wall milliseconds.
 */
import { execFileSync } from "node:child_process";
import { createReadStream, rmSync } from "node:fs";
import type { ContainerClient } from "@azure/storage-blob";
import { BLOCK_BYTES } from "../provider/evidence/blob/upload";

export async function hashCopySync(file: string, copy: string): Promise<number> {
  rmSync(copy, { force: true });
  const t0 = performance.now();
  execFileSync("sha256sum", [file], { stdio: "ignore" });
  execFileSync("cp", [file, copy], { stdio: "ignore" });
  execFileSync("sync", [copy], { stdio: "ignore" }); // the copy only: other processes' writes are not ours to flush
  const ms = performance.now() - t0;
  rmSync(copy, { force: true });
  return ms;
}

export async function bareBlobUpload(container: ContainerClient, name: string, file: string): Promise<number> {
  const t0 = performance.now();
  await container.getBlockBlobClient(name).uploadStream(createReadStream(file, { highWaterMark: BLOCK_BYTES }), BLOCK_BYTES, 4);
  return performance.now() - t0;
}
