/**
 * Bounds on what a ZIP may declare, checked from its central directory alone, before a single
 * entry is inflated. Every download and every `verify` runs the ZIP check, so an archive built to
 * exhaust it (entries overlapping one compressed stream, sizes in the terabytes, millions of
 * entries) must be refused in milliseconds, not after hours of inflating.
 *
 * Why these numbers: an investigation package holds hundreds to a few thousand files and is tens
 * to hundreds of MiB compressed (logs, CSVs, event logs compress 5-20:1). Deflate cannot expand
 * one compressed byte into more than about 1032, so an entry that declares more is a lie. A whole
 * archive at over 200:1 is no evidence anyone collects; below 1 GiB declared the ratio is not
 * checked, since small files of zeros are harmless.
 */
export interface ZipLimits {
  /** Entries in the central directory (files and folders). @default 100 000 */
  maxEntries: number;
  /** Sum of the entries' declared uncompressed sizes. @default 64 GiB */
  maxTotalUncompressedBytes: number;
  /** Declared uncompressed bytes per byte of the archive, once above `ratioFloorBytes`. @default 200 */
  maxRatio: number;
  /** Declared totals below this are not ratio-checked. @default 1 GiB */
  ratioFloorBytes: number;
}

export const DEFAULT_ZIP_LIMITS: Readonly<ZipLimits> = Object.freeze({
  maxEntries: 100_000,
  maxTotalUncompressedBytes: 64 * 1024 ** 3,
  maxRatio: 200,
  ratioFloorBytes: 1024 ** 3,
});

/** Deflate's best case is about 1032:1; a little headroom for tiny streams. */
const DEFLATE_MAX_RATIO = 1100;
const LOCAL_HEADER_BYTES = 30;

/** What the limits need of one central-directory entry (yauzl's Entry has these fields). */
export interface DeclaredEntry {
  fileName: string;
  compressionMethod: number;
  compressedSize: number;
  uncompressedSize: number;
  relativeOffsetOfLocalHeader: number;
}

/** The first limit `entries` (the whole directory) break, in words; undefined when all hold. */
export function declaredProblem(entries: readonly DeclaredEntry[], archiveBytes: number, limits: ZipLimits = DEFAULT_ZIP_LIMITS): string | undefined {
  if (entries.length > limits.maxEntries) return `it has ${entries.length} entries, more than the limit of ${limits.maxEntries}`;
  let total = 0;
  for (const e of entries) {
    if (e.compressionMethod === 0 && e.uncompressedSize !== e.compressedSize) {
      return `entry ${e.fileName} is stored, but declares ${bytes(e.uncompressedSize)} from ${e.compressedSize} bytes`;
    }
    if (e.uncompressedSize > Math.max(e.compressedSize, 1) * DEFLATE_MAX_RATIO) {
      return `entry ${e.fileName} declares ${bytes(e.uncompressedSize)} from ${e.compressedSize} compressed bytes, more than deflate can produce`;
    }
    total += e.uncompressedSize;
  }
  const overlapping = overlap(entries, archiveBytes);
  if (overlapping) return overlapping;
  if (total > limits.maxTotalUncompressedBytes) return `it declares ${bytes(total)} uncompressed, more than the limit of ${bytes(limits.maxTotalUncompressedBytes)}`;
  if (total > limits.ratioFloorBytes && total > archiveBytes * limits.maxRatio) {
    return `it declares ${bytes(total)} in ${bytes(archiveBytes)}, a ratio of ${Math.round(total / archiveBytes)}:1 (limit ${limits.maxRatio}:1)`;
  }
  return undefined;
}

/** Entries whose data would share bytes: each must end (at least) before the next one's header starts. */
function overlap(entries: readonly DeclaredEntry[], archiveBytes: number): string | undefined {
  const sorted = [...entries].sort((a, b) => a.relativeOffsetOfLocalHeader - b.relativeOffsetOfLocalHeader);
  for (let i = 0; i < sorted.length; i++) {
    const e = sorted[i];
    // The local header's name and extra field may differ from the directory's; its name is at least as long in practice.
    const end = e.relativeOffsetOfLocalHeader + LOCAL_HEADER_BYTES + Buffer.byteLength(e.fileName) + e.compressedSize;
    if (end > archiveBytes) return `entry ${e.fileName} reaches past the end of the archive`;
    const next = sorted[i + 1];
    if (next && end > next.relativeOffsetOfLocalHeader) {
      const [a, b] = [e.fileName, next.fileName].sort(byName);
      return `entries ${a} and ${b} overlap (one stream counted twice: a ZIP bomb)`;
    }
  }
  return undefined;
}

const byName = (a: string, b: string) => (a.length - b.length) || (a < b ? -1 : a > b ? 1 : 0);

/** Sizes as people read them: 4.0 GiB, 2.3 MiB, 512 B. */
export function bytes(n: number): string {
  const units = ["B", "KiB", "MiB", "GiB", "TiB"];
  let i = 0;
  let v = n;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return i === 0 ? `${n} B` : `${v.toFixed(1)} ${units[i]}`;
}
