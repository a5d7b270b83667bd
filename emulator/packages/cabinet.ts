/**
 * A Microsoft Cabinet (MS-CAB) with one uncompressed folder: CFHEADER, one CFFOLDER, a CFFILE
 * per file, then CFDATA blocks of at most 32 KiB. Checksums are 0 ("not computed"), which the
 * format allows and cabextract accepts. MPSupportFiles.cab is such an archive of Defender logs.
 */
const BLOCK = 32768;

/** `files` in order; `dosTime` is the DOS date/time stamped on every file. */
export function cabinet(files: Array<{ name: string; data: Buffer }>, dosDate = 0x5a6e, dosTime = 0x4c00): Buffer {
  const all = Buffer.concat(files.map((f) => f.data));
  const blocks = Math.max(1, Math.ceil(all.length / BLOCK));
  const fileEntries = files.map((f) => 16 + Buffer.byteLength(f.name, "latin1") + 1);
  const headerSize = 36 + 8 + fileEntries.reduce((a, b) => a + b, 0);
  const total = headerSize + blocks * 8 + all.length;
  const out = Buffer.alloc(total);
  out.write("MSCF", 0, "latin1");
  out.writeUInt32LE(total, 8);
  out.writeUInt32LE(36 + 8, 16); // coffFiles: first CFFILE
  out[24] = 3; // version minor
  out[25] = 1; // version major
  out.writeUInt16LE(1, 26); // folders
  out.writeUInt16LE(files.length, 28);
  out.writeUInt16LE(0, 30); // flags
  out.writeUInt16LE(0x1234, 32); // set id
  out.writeUInt16LE(0, 34); // cabinet index
  out.writeUInt32LE(headerSize, 36); // CFFOLDER.coffCabStart: first CFDATA
  out.writeUInt16LE(blocks, 40);
  out.writeUInt16LE(0, 42); // typeCompress: none
  let pos = 44;
  let offset = 0;
  files.forEach((f) => {
    out.writeUInt32LE(f.data.length, pos);
    out.writeUInt32LE(offset, pos + 4);
    out.writeUInt16LE(0, pos + 8); // folder 0
    out.writeUInt16LE(dosDate, pos + 10);
    out.writeUInt16LE(dosTime, pos + 12);
    out.writeUInt16LE(0x20, pos + 14); // archive attribute
    pos += 16 + out.write(f.name, pos + 16, "latin1") + 1;
    offset += f.data.length;
  });
  for (let b = 0; b < blocks; b++) {
    const chunk = all.subarray(b * BLOCK, (b + 1) * BLOCK);
    out.writeUInt32LE(0, pos);
    out.writeUInt16LE(chunk.length, pos + 4);
    out.writeUInt16LE(chunk.length, pos + 6);
    chunk.copy(out, pos + 8);
    pos += 8 + chunk.length;
  }
  return out;
}
