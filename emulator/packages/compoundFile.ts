/**
 * A Compound File Binary (MS-CFB, "OLE2", version 3, 512-byte sectors) holding one stream: the
 * container of Excel 97-2003 .xls files. Layout: header, FAT sector(s), one directory sector
 * (Root Entry and the stream), then the stream's sectors. Streams shorter than 4096 bytes are
 * padded to 4096 with zeros, as Excel-writing libraries do, so the file needs no mini stream.
 */
const SECTOR = 512;
const HEADER_DIFAT_SLOTS = 109;
const FREESECT = 0xffffffff;
const ENDOFCHAIN = 0xfffffffe;
const FATSECT = 0xfffffffd;
const NOSTREAM = 0xffffffff;
/** Streams below this size would live in the mini stream. */
const MINI_STREAM_CUTOFF = 4096;

export const CFB_SIGNATURE = Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]);

function directoryEntry(name: string, type: 0 | 2 | 5, child: number, start: number, size: number): Buffer {
  const e = Buffer.alloc(128);
  if (type !== 0) {
    e.write(`${name}\0`, 0, "utf16le");
    e.writeUInt16LE((name.length + 1) * 2, 64);
    e.writeUInt8(type, 66);
    e.writeUInt8(1, 67); // black: a one-entry red-black tree
  }
  e.writeUInt32LE(NOSTREAM, 68);
  e.writeUInt32LE(NOSTREAM, 72);
  e.writeUInt32LE(child, 76);
  e.writeUInt32LE(start, 116);
  e.writeUInt32LE(size, 120);
  return e;
}

/** A compound file whose only stream is `name` (e.g. "Workbook") holding `data`. */
export function compoundFile(name: string, data: Buffer): Buffer {
  const padded = Math.max(MINI_STREAM_CUTOFF, Math.ceil(data.length / SECTOR) * SECTOR);
  const stream = Buffer.concat([data, Buffer.alloc(padded - data.length)]);
  const streamSectors = padded / SECTOR;
  let fatSectors = 1;
  while (fatSectors * (SECTOR / 4) < fatSectors + 1 + streamSectors) fatSectors++;
  if (fatSectors > HEADER_DIFAT_SLOTS) throw new RangeError(`stream of ${data.length} bytes needs DIFAT sectors, which this writer does not make`);
  const dirSector = fatSectors;
  const firstStreamSector = dirSector + 1;

  const header = Buffer.alloc(SECTOR);
  CFB_SIGNATURE.copy(header, 0);
  header.writeUInt16LE(0x003e, 24); // minor version
  header.writeUInt16LE(0x0003, 26); // major version 3: 512-byte sectors
  header.writeUInt16LE(0xfffe, 28); // byte order: little-endian
  header.writeUInt16LE(9, 30); // sector shift: 2^9
  header.writeUInt16LE(6, 32); // mini sector shift: 2^6
  header.writeUInt32LE(fatSectors, 44);
  header.writeUInt32LE(dirSector, 48);
  header.writeUInt32LE(MINI_STREAM_CUTOFF, 56);
  header.writeUInt32LE(ENDOFCHAIN, 60); // no mini FAT
  header.writeUInt32LE(ENDOFCHAIN, 68); // no DIFAT sectors
  for (let i = 0; i < HEADER_DIFAT_SLOTS; i++) header.writeUInt32LE(i < fatSectors ? i : FREESECT, 76 + 4 * i);

  const fat = Buffer.alloc(fatSectors * SECTOR, 0xff);
  for (let i = 0; i < fatSectors; i++) fat.writeUInt32LE(FATSECT, 4 * i);
  fat.writeUInt32LE(ENDOFCHAIN, 4 * dirSector);
  for (let i = 0; i < streamSectors; i++) fat.writeUInt32LE(i === streamSectors - 1 ? ENDOFCHAIN : firstStreamSector + i + 1, 4 * (firstStreamSector + i));

  const directory = Buffer.concat([
    directoryEntry("Root Entry", 5, 1, ENDOFCHAIN, 0),
    directoryEntry(name, 2, NOSTREAM, firstStreamSector, padded),
    directoryEntry("", 0, NOSTREAM, 0, 0),
    directoryEntry("", 0, NOSTREAM, 0, 0),
  ]);
  return Buffer.concat([header, fat, directory, stream]);
}
