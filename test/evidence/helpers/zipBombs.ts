/**
 * Hostile ZIPs built byte by byte (no library would write them): entries that overlap one
 * compressed stream, entries whose sizes no deflate stream could produce, and archives whose
 * declared total dwarfs their size. They are what the ZIP check's limits (verifyZip.ts) are for.
 */
import { deflateRawSync, crc32 } from "node:zlib";

interface RawEntry {
  name: string;
  /** Offset of the local header this central entry points at. */
  offset: number;
  crc: number;
  compressedSize: number;
  uncompressedSize: number;
}

function localHeader(name: string, crc: number, compressedSize: number, uncompressedSize: number): Buffer {
  const n = Buffer.from(name);
  const h = Buffer.alloc(30);
  h.writeUInt32LE(0x04034b50, 0);
  h.writeUInt16LE(20, 4);
  h.writeUInt16LE(0, 6);
  h.writeUInt16LE(8, 8); // deflate
  h.writeUInt16LE(0, 10);
  h.writeUInt16LE(0x5a21, 12); // 2025-01-01
  h.writeUInt32LE(crc >>> 0, 14);
  h.writeUInt32LE(compressedSize, 18);
  h.writeUInt32LE(uncompressedSize, 22);
  h.writeUInt16LE(n.length, 26);
  h.writeUInt16LE(0, 28);
  return Buffer.concat([h, n]);
}

function centralHeader(e: RawEntry): Buffer {
  const n = Buffer.from(e.name);
  const h = Buffer.alloc(46);
  h.writeUInt32LE(0x02014b50, 0);
  h.writeUInt16LE(20, 4);
  h.writeUInt16LE(20, 6);
  h.writeUInt16LE(0, 8);
  h.writeUInt16LE(8, 10);
  h.writeUInt16LE(0, 12);
  h.writeUInt16LE(0x5a21, 14);
  h.writeUInt32LE(e.crc >>> 0, 16);
  h.writeUInt32LE(e.compressedSize, 20);
  h.writeUInt32LE(e.uncompressedSize, 24);
  h.writeUInt16LE(n.length, 28);
  h.writeUInt32LE(e.offset, 42);
  return Buffer.concat([h, n]);
}

function archive(locals: Buffer[], entries: RawEntry[]): Buffer {
  const body = Buffer.concat(locals);
  const central = Buffer.concat(entries.map(centralHeader));
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(central.length, 12);
  end.writeUInt32LE(body.length, 16);
  return Buffer.concat([body, central, end]);
}

/** `count` directory entries that all point at one deflated run of `chunkBytes` zeros: each reads back intact. */
export function overlappingBomb(count: number, chunkBytes: number): Buffer {
  const data = Buffer.alloc(chunkBytes);
  const packed = deflateRawSync(data, { level: 9 });
  const crc = crc32(data);
  const local = Buffer.concat([localHeader("a.bin", crc, packed.length, chunkBytes), packed]);
  const entries = Array.from({ length: count }, (_, i) => ({ name: `f${i}.bin`, offset: 0, crc, compressedSize: packed.length, uncompressedSize: chunkBytes }));
  return archive([local], entries);
}

/** `count` separate entries, each a deflated run of `chunkBytes` zeros: honest, but a ratio no evidence has. */
export function ratioBomb(count: number, chunkBytes: number): Buffer {
  const data = Buffer.alloc(chunkBytes);
  const packed = deflateRawSync(data, { level: 9 });
  const crc = crc32(data);
  const locals: Buffer[] = [];
  const entries: RawEntry[] = [];
  let offset = 0;
  for (let i = 0; i < count; i++) {
    const local = Buffer.concat([localHeader(`f${i}.bin`, crc, packed.length, chunkBytes), packed]);
    entries.push({ name: `f${i}.bin`, offset, crc, compressedSize: packed.length, uncompressedSize: chunkBytes });
    locals.push(local);
    offset += local.length;
  }
  return archive(locals, entries);
}

/** `count` entries of one tiny deflate stream each, each declaring `declaredBytes` (at most 4 GiB - 2). */
export function declaredSizeBomb(count: number, declaredBytes: number): Buffer {
  const data = Buffer.from("x");
  const packed = deflateRawSync(data);
  const crc = crc32(data);
  const locals: Buffer[] = [];
  const entries: RawEntry[] = [];
  let offset = 0;
  for (let i = 0; i < count; i++) {
    const local = Buffer.concat([localHeader(`f${i}.bin`, crc, packed.length, declaredBytes), packed]);
    entries.push({ name: `f${i}.bin`, offset, crc, compressedSize: packed.length, uncompressedSize: declaredBytes });
    locals.push(local);
    offset += local.length;
  }
  return archive(locals, entries);
}
