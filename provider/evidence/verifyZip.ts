/**
 * Proves that a downloaded package is a whole, readable ZIP before it gets its final name.
 *
 * Why more than "the byte count matched": a body can have the announced length and still be an
 * error page, a storage proxy's HTML, or damaged in the middle. Reading the central directory
 * (at the end of the file) catches truncation; streaming every entry through inflate and
 * comparing its CRC-32 with the directory's catches damage anywhere. yauzl does not check CRCs
 * itself (its README, "No CRC-32 Checking"), so they are computed here with `zlib.crc32`.
 * Nothing is extracted: the evidence stays exactly as MDE produced it.
 *
 * Before anything is inflated, the whole central directory is read and held to the limits of
 * zipLimits.ts (entries, declared sizes, ratio, overlap), so a hostile archive is refused from
 * its directory in milliseconds; then yauzl's `validateEntrySizes` stops any entry that inflates
 * past what it declared. The file is opened with O_NOFOLLOW and must be a regular file
 * (regularFile.ts): `verify` runs this on whatever a folder holds, FIFOs and links included.
 */
import type { FileHandle } from "node:fs/promises";
import { crc32 } from "node:zlib";
import * as yauzl from "yauzl";
import { describeFsError, EvidenceError, isEvidenceError, messageOf } from "./errors";
import { openRegular, READ_REGULAR } from "./regularFile";
import { dataStart, isSmallEntry, isStored, smallEntryBytes } from "./zipEntryData";
import { declaredProblem, DEFAULT_ZIP_LIMITS, type ZipLimits } from "./zipLimits";

export { DEFAULT_ZIP_LIMITS, type ZipLimits } from "./zipLimits";

export interface ZipSummary {
  /** Files in the archive (folders not counted). */
  entries: number;
  /** Sum of the files' uncompressed sizes, as read and checked. */
  uncompressedBytes: number;
}

/**
 * Opens `file` (a regular file, not through a link), holds its central directory to `limits`,
 * then streams every entry, checking sizes and CRC-32. Throws an {@link EvidenceError}: kind
 * `transfer` when the bytes are not a valid ZIP within the limits, `unsafe` for a link or a
 * non-regular file, `write` when the disk cannot be read.
 */
export async function verifyZip(file: string, limits: ZipLimits = DEFAULT_ZIP_LIMITS): Promise<ZipSummary> {
  let fh: FileHandle;
  try {
    fh = await openRegular(file, READ_REGULAR, `cannot read ${file} back to check it`);
  } catch (err) {
    if (isEvidenceError(err)) throw err;
    throw new EvidenceError("write", `cannot read ${file} back to check it: ${describeFsError(err)}`, { cause: err });
  }
  try {
    return await verifyZipHandle(fh, file, limits);
  } finally {
    await fh.close().catch(() => undefined);
  }
}

/**
 * The same check on a file already open (`verify` opens each name once, as a regular file, and
 * checks that descriptor: no second open by path that a swapped name could redirect). The
 * caller closes `fh`; `file` names it in messages.
 */
export async function verifyZipHandle(fh: FileHandle, file: string, limits: ZipLimits = DEFAULT_ZIP_LIMITS): Promise<ZipSummary> {
  let zip: yauzl.ZipFile;
  try {
    zip = await new Promise<yauzl.ZipFile>((resolve, reject) =>
      yauzl.fromFd(fh.fd, { lazyEntries: true, autoClose: false, validateEntrySizes: true }, (err, z) => (err ? reject(err) : resolve(z))),
    );
  } catch (err) {
    // An fs error code means the disk, not the bytes, is the problem: no download can fix that.
    if (typeof (err as { code?: unknown }).code === "string") {
      throw new EvidenceError("write", `cannot read ${file} back to check it: ${describeFsError(err)}`, { cause: err });
    }
    throw invalid(`its central directory cannot be read (${messageOf(err)})`, err);
  }
  // Not zip.close(): yauzl would close the descriptor the FileHandle owns, and a second close
  // could hit a descriptor number reused meanwhile. The FileHandle alone closes it.
  return checkEntries(zip, limits, fh);
}

async function checkEntries(zip: yauzl.ZipFile, limits: ZipLimits, fh: FileHandle): Promise<ZipSummary> {
  const summary: ZipSummary = { entries: 0, uncompressedBytes: 0 };
  if (zip.entryCount > limits.maxEntries) throw invalid(`it has ${zip.entryCount} entries, more than the limit of ${limits.maxEntries}`);
  // The whole directory first (small: ~50 bytes an entry), so the limits see every declaration.
  const listed: yauzl.Entry[] = [];
  const next = entryIterator(zip);
  for (let e = await next.next(); e; e = await next.next()) listed.push(e);
  const problem = declaredProblem(listed, zip.fileSize, limits);
  if (problem) throw invalid(problem);
  // One read buffer for every entry read straight from the file (a package holds dozens), not one each.
  const largestRead = listed.reduce((m, e) => (isStored(e) || isSmallEntry(e) ? Math.max(m, e.compressedSize) : m), 1);
  let scratch: Buffer | undefined;
  const buffer = () => (scratch ??= Buffer.allocUnsafe(Math.min(STORED_CHUNK_BYTES, largestRead)));
  for (const entry of listed) {
    if (entry.fileName.endsWith("/")) continue;
    if (entry.isEncrypted()) throw invalid(`entry ${entry.fileName} is encrypted and cannot be checked`);
    const read = isStored(entry) ? readStored(fh, entry, zip.fileSize, buffer()) : isSmallEntry(entry) ? smallCrc(fh, entry, zip.fileSize, buffer()) : readEntry(zip, entry);
    const { crc, bytes } = await read.catch((err: unknown) => {
      throw invalid(`entry ${entry.fileName} cannot be read (${messageOf(err)})`, err);
    });
    if (crc !== entry.crc32) {
      throw invalid(`entry ${entry.fileName} has CRC-32 ${hex(crc)}, the archive says ${hex(entry.crc32)}`);
    }
    summary.entries++;
    summary.uncompressedBytes += bytes;
  }
  if (summary.entries === 0) throw invalid("it contains no files; an investigation package always does");
  return summary;
}

/** yauzl's event interface (`lazyEntries`) as an async pull: `next()` resolves to an entry or null at the end. */
function entryIterator(zip: yauzl.ZipFile): { next(): Promise<yauzl.Entry | null> } {
  return {
    next: () =>
      new Promise<yauzl.Entry | null>((resolve, reject) => {
        const cleanup = () => {
          zip.off("entry", onEntry);
          zip.off("end", onEnd);
          zip.off("error", onError);
        };
        const onEntry = (e: yauzl.Entry) => (cleanup(), resolve(e));
        const onEnd = () => (cleanup(), resolve(null));
        const onError = (err: Error) => (cleanup(), reject(invalid(`its directory is damaged (${messageOf(err)})`, err)));
        zip.on("entry", onEntry);
        zip.on("end", onEnd);
        zip.on("error", onError);
        zip.readEntry();
      }),
  };
}

async function readEntry(zip: yauzl.ZipFile, entry: yauzl.Entry): Promise<{ crc: number; bytes: number }> {
  const stream = await new Promise<NodeJS.ReadableStream>((resolve, reject) =>
    zip.openReadStream(entry, (err, s) => (err ? reject(err) : resolve(s))),
  );
  let crc = 0;
  let bytes = 0;
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    crc = crc32(chunk, crc);
    bytes += chunk.length;
  }
  return { crc: crc >>> 0, bytes };
}

const STORED_CHUNK_BYTES = 1024 * 1024;

/**
 * A stored (uncompressed) entry's CRC-32, read straight from the file in 1 MiB chunks: packages
 * are mostly stored `.cab` and event logs, and yauzl's small-chunk stream made this pass the
 * slowest part of keeping a package.
 */
async function readStored(fh: FileHandle, entry: yauzl.Entry, fileSize: number, buf: Buffer): Promise<{ crc: number; bytes: number }> {
  const start = await dataStart(fh, entry, fileSize);
  let crc = 0;
  let done = 0;
  while (done < entry.compressedSize) {
    const { bytesRead } = await fh.read(buf, 0, Math.min(buf.length, entry.compressedSize - done), start + done);
    if (bytesRead === 0) throw new Error("the archive ended inside the entry");
    crc = crc32(buf.subarray(0, bytesRead), crc);
    done += bytesRead;
  }
  return { crc: crc >>> 0, bytes: done };
}

/** A small deflated entry inflated in one call (zipEntryData.ts): yauzl's stream per entry cost most of verifying a fleet. */
async function smallCrc(fh: FileHandle, entry: yauzl.Entry, fileSize: number, scratch: Buffer): Promise<{ crc: number; bytes: number }> {
  const bytes = await smallEntryBytes(fh, entry, fileSize, scratch);
  return { crc: crc32(bytes) >>> 0, bytes: bytes.length };
}

function invalid(reason: string, cause?: unknown): EvidenceError {
  // "downloaded": the writer's wording; `verify` shows the reason after its own prefix.
  return new EvidenceError("transfer", `the downloaded package is not a valid ZIP: ${reason}`, { cause });
}

function hex(n: number): string {
  return (n >>> 0).toString(16).padStart(8, "0");
}
