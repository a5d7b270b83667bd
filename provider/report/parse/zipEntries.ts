/**
 * A package's ZIP read in place, entry by entry, never extracted: yauzl gives each entry's
 * stream; this module refuses to inflate an entry that is both larger than its reader's byte
 * limit and compressed beyond `maxRatio` (a ZIP bomb, noted and left alone) or that would pass
 * the package's byte budget, and cuts any stream at its reader's limit. An entry that inflates
 * to more than it declares fails yauzl's size check and is noted. What was refused is returned
 * as Skipped. Small entries (most of a package) are read straight from the file and inflated in
 * one call (provider/evidence/zipEntryData.ts); larger ones are streamed.
 */
import { open } from "node:fs/promises";
import * as yauzl from "yauzl";
import { isSmallEntry, smallEntryBytes } from "../../evidence/zipEntryData";

/** The compressed bytes of a small entry are read into one buffer per package, grown when an entry needs more. */
const SCRATCH_BYTES = 64 * 1024;
import type { ReadLimits, Skipped } from "./limits";

export interface EntryInfo {
  path: string;
  compressedSize: number;
  uncompressedSize: number;
}

/** What to do with an entry: read it whole (up to `maxBytes`), stream it, or leave it. */
export type EntryPlan =
  | { kind: "buffer"; maxBytes: number; use: (bytes: Buffer, cut: boolean) => void | Promise<void> }
  | { kind: "stream"; maxBytes: number; use: (chunks: AsyncIterable<Buffer>) => Promise<void> }
  | { kind: "ignore" };

export async function readPackageEntries(file: string, limits: Pick<ReadLimits, "packageBytes" | "maxRatio">, plan: (e: EntryInfo) => EntryPlan): Promise<{ entries: EntryInfo[]; skipped: Skipped[] }> {
  const fh = await open(file, "r");
  const entries: EntryInfo[] = [];
  const skipped: Skipped[] = [];
  let budget = limits.packageBytes;
  let scratch: Buffer | undefined;
  try {
    // Not zip.close(): yauzl would close the descriptor the FileHandle owns (as verifyZip.ts).
    const zip = await new Promise<yauzl.ZipFile>((resolve, reject) =>
      yauzl.fromFd(fh.fd, { lazyEntries: true, autoClose: false, validateEntrySizes: true, strictFileNames: false }, (err, z) => (err ? reject(err) : resolve(z))),
    );
    for (let entry = await nextEntry(zip); entry; entry = await nextEntry(zip)) {
      if (entry.fileName.endsWith("/")) continue;
      const info = { path: entry.fileName, compressedSize: entry.compressedSize, uncompressedSize: entry.uncompressedSize };
      entries.push(info);
      const p = plan(info);
      if (p.kind === "ignore") continue;
      // Text compresses well, so a high ratio alone is no reason to refuse: only when the entry is
      // also larger than its reader would take is it treated as a bomb and left uninflated.
      const ratio = entry.uncompressedSize / Math.max(1, entry.compressedSize);
      if (ratio > limits.maxRatio && entry.uncompressedSize > p.maxBytes) {
        skipped.push({ path: info.path, reason: `not read: compression ratio ${Math.round(ratio)}:1 (${entry.uncompressedSize} bytes from ${entry.compressedSize}) looks like a ZIP bomb` });
        continue;
      }
      if (entry.uncompressedSize > budget) {
        skipped.push({ path: info.path, reason: `not read: ${entry.uncompressedSize} bytes would pass the package's byte limit (${limits.packageBytes})` });
        continue;
      }
      budget -= Math.min(entry.uncompressedSize, p.maxBytes);
      let stream: import("node:stream").Readable | undefined;
      try {
        let source: AsyncIterable<Buffer> & { cut: boolean };
        if (isSmallEntry(entry)) {
          if (!scratch || scratch.length < entry.compressedSize) scratch = Buffer.allocUnsafe(Math.max(entry.compressedSize, SCRATCH_BYTES));
          source = limited([await smallEntryBytes(fh, entry, zip.fileSize, scratch)], p.maxBytes);
        }
        else source = limited((stream = await openStream(zip, entry)), p.maxBytes);
        if (p.kind === "buffer") {
          const { bytes, cut } = await collect(source);
          if (cut) skipped.push({ path: info.path, reason: `read only the first ${p.maxBytes} bytes of ${entry.uncompressedSize} (byte limit)` });
          await p.use(bytes, cut);
        } else await p.use(source);
      } catch (err) {
        skipped.push({ path: info.path, reason: `could not be read: ${(err as Error).message}` });
      } finally {
        stream?.destroy();
      }
    }
  } finally {
    await fh.close();
  }
  return { entries, skipped };
}

function nextEntry(zip: yauzl.ZipFile): Promise<yauzl.Entry | null> {
  return new Promise((resolve, reject) => {
    const done = () => (zip.off("entry", onEntry), zip.off("end", onEnd), zip.off("error", onError));
    const onEntry = (e: yauzl.Entry) => (done(), resolve(e));
    const onEnd = () => (done(), resolve(null));
    const onError = (err: Error) => (done(), reject(err));
    zip.on("entry", onEntry).on("end", onEnd).on("error", onError);
    zip.readEntry();
  });
}

const openStream = (zip: yauzl.ZipFile, entry: yauzl.Entry) =>
  new Promise<import("node:stream").Readable>((resolve, reject) => zip.openReadStream(entry, (err, s) => (err ? reject(err) : resolve(s))));

/** Yields at most `max` bytes of the stream, then stops (marking the iterable as cut). */
function limited(stream: AsyncIterable<Buffer> | Iterable<Buffer>, max: number): AsyncIterable<Buffer> & { cut: boolean } {
  const out = {
    cut: false,
    async *[Symbol.asyncIterator]() {
      let seen = 0;
      for await (const chunk of stream) {
        if (seen + chunk.length > max) {
          out.cut = true;
          if (max > seen) yield chunk.subarray(0, max - seen);
          return;
        }
        seen += chunk.length;
        yield chunk;
      }
    },
  };
  return out;
}

async function collect(source: AsyncIterable<Buffer> & { cut: boolean }): Promise<{ bytes: Buffer; cut: boolean }> {
  const parts: Buffer[] = [];
  for await (const c of source) parts.push(c);
  return { bytes: parts.length === 1 ? parts[0] : Buffer.concat(parts), cut: source.cut };
}
