/**
 * An entry's bytes read straight from an open ZIP file, without yauzl's stream per entry (a file
 * stream, an inflate stream, a size check, 16 KiB output chunks): for the small entries that are
 * most of an investigation package, that machinery was most of the time and of the memory outside
 * V8's heap spent verifying and reading a fleet (bench/README.md "Triage report"). Used by
 * verifyZip.ts (CRC-32 of every entry) and the report's reader (provider/report/parse/zipEntries.ts).
 */
import type { FileHandle } from "node:fs/promises";
import { inflateRawSync } from "node:zlib";
import type * as yauzl from "yauzl";

const LOCAL_HEADER_SIGNATURE = 0x04034b50;
const STORED = 0;
const DEFLATED = 8;
/** Entries up to this size, compressed and not, are read whole and inflated in one call. */
export const SMALL_ENTRY_BYTES = 1024 * 1024;

export const isStored = (e: yauzl.Entry) => e.compressionMethod === STORED;
export const isSmallEntry = (e: yauzl.Entry) => (e.compressionMethod === STORED || e.compressionMethod === DEFLATED) && e.compressedSize <= SMALL_ENTRY_BYTES && e.uncompressedSize <= SMALL_ENTRY_BYTES;

/** Where an entry's data starts: after its local header, whose name and extra field may differ in length from the directory's. */
export async function dataStart(fh: FileHandle, entry: yauzl.Entry, fileSize: number): Promise<number> {
  const header = Buffer.alloc(30);
  await fh.read(header, 0, 30, entry.relativeOffsetOfLocalHeader);
  if (header.readUInt32LE(0) !== LOCAL_HEADER_SIGNATURE) throw new Error("invalid local file header signature");
  const start = entry.relativeOffsetOfLocalHeader + 30 + header.readUInt16LE(26) + header.readUInt16LE(28);
  if (start + entry.compressedSize > fileSize) throw new Error("its data reaches past the end of the archive");
  return start;
}

/** Reads `length` bytes at `position` into `buf` from its start; throws when the file ends first. */
export async function readFully(fh: FileHandle, buf: Buffer, length: number, position: number): Promise<void> {
  for (let done = 0; done < length; ) {
    const { bytesRead } = await fh.read(buf, done, length - done, position + done);
    if (bytesRead === 0) throw new Error("the archive ended inside the entry");
    done += bytesRead;
  }
}

/**
 * A small entry's bytes (isSmallEntry), in a buffer of their own: compressed bytes are read into
 * `scratch` (at least the entry's compressed size, reused by the caller), then inflated in one
 * call into one buffer of the declared size. Inflating past the declared size stops there and
 * fails, as yauzl's `validateEntrySizes` does; so does falling short of it.
 */
export async function smallEntryBytes(fh: FileHandle, entry: yauzl.Entry, fileSize: number, scratch: Buffer): Promise<Buffer> {
  const start = await dataStart(fh, entry, fileSize);
  const size = entry.uncompressedSize;
  if (isStored(entry)) {
    if (entry.compressedSize !== size) throw new Error(`a stored entry of ${entry.compressedSize} bytes that says it holds ${size}`);
    const out = Buffer.allocUnsafe(size);
    await readFully(fh, out, size, start);
    return out;
  }
  await readFully(fh, scratch, entry.compressedSize, start);
  const out = inflateRawSync(scratch.subarray(0, entry.compressedSize), { maxOutputLength: Math.max(1, size), chunkSize: Math.max(64, size) });
  if (out.length !== size) throw new Error(`it inflates to ${out.length} bytes, the archive says ${size}`);
  return out;
}
