/**
 * Windows 10+ prefetch files: compressed, so they start with the MAM header (`MAM` + 0x04 for
 * LZXPRESS Huffman, then the uncompressed size as UInt32); the rest is seeded bytes standing for
 * the compressed SCCA body. Triage lists them by name and does not parse them (mde-api.md §5a).
 * Names are `<EXE>-<8 hex path hash>.pf` as Windows forms them.
 */
import { digest } from "../util/ids";

export interface PrefetchFile {
  name: string;
  bytes: Buffer;
}

export function prefetchFile(seed: string, exePath: string, keystream: (n: number, label: string) => Buffer): PrefetchFile {
  const exe = exePath.slice(exePath.lastIndexOf("\\") + 1).toUpperCase();
  const h = digest(seed, "prefetch", exePath.toUpperCase());
  const uncompressed = 20_000 + (h.readUInt32LE(4) % 180_000);
  const compressed = Math.floor(uncompressed * (0.25 + (h[8] % 20) / 100));
  const header = Buffer.alloc(8);
  header.write("MAM\u0004", 0, "latin1");
  header.writeUInt32LE(uncompressed, 4);
  return { name: `${exe}-${h.readUInt32LE(0).toString(16).toUpperCase().padStart(8, "0")}.pf`, bytes: Buffer.concat([header, keystream(compressed, exePath)]) };
}
