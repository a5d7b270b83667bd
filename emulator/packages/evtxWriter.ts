/**
 * EVTX files (libyal, "Windows XML Event Log (EVTX) format"): a 4096-byte file header "ElfFile"
 * with its CRC32, then 64 KiB chunks "ElfChnk" whose 512-byte header carries the CRC32 of the
 * event records and its own, a string table and a template table; records "**" hold binary XML.
 * A template is defined inside the first record of a chunk that uses it and referenced by
 * offset afterwards, as Windows does, so each chunk stands on its own.
 */
import { crc32 } from "node:zlib";
import { digest } from "../util/ids";
import { ByteWriter, filetime, substitutionArray, templateDefinition } from "./binaryXml";
import { eventTemplate, eventValues, type SecurityEvent } from "./securityEventSchema";

export const FILE_HEADER_SIZE = 4096;
export const CHUNK_SIZE = 65536;
const CHUNK_HEADER_SIZE = 512;

/** Template GUIDs, stable per event ID; the first 4 bytes double as the instance's template id. */
const templateGuid = (id: number) => digest("evtx-template", id).subarray(0, 16);

class ChunkBuilder {
  readonly buf = Buffer.alloc(CHUNK_SIZE);
  pos = CHUNK_HEADER_SIZE;
  firstRecord = 0n;
  lastRecord = 0n;
  lastRecordOffset = 0;
  count = 0;
  /** event ID → offset of its template definition in this chunk */
  readonly templates = new Map<number, number>();

  /** Appends a record, or returns false when it does not fit (the caller starts a new chunk). */
  add(e: SecurityEvent, recordId: bigint, computer: string): boolean {
    const start = this.pos;
    const w = new ByteWriter(1024);
    w.u32(0x00002a2a).u32(0).u64(recordId).u64(filetime(e.timeMs));
    w.u8(0x0f).u8(1).u8(1).u8(0);
    const instanceAt = start + w.pos;
    const defined = this.templates.get(e.id);
    const guid = templateGuid(e.id);
    w.u8(0x0c).u8(0x01).bytes(guid.subarray(0, 4));
    if (defined !== undefined) w.u32(defined);
    else {
      const defAt = instanceAt + 10;
      w.u32(defAt).bytes(templateDefinition(eventTemplate(e.id), guid, defAt));
    }
    substitutionArray(w, eventValues(e, recordId, computer));
    w.u8(0x00); // end of the document (MS-EVEN6: Fragment, then EOFToken)
    const size = w.pos + 4;
    w.u32(size);
    w.patch32(4, size);
    // A record never ends on the chunk's last byte: libevtx (evtxexport) drops such a record
    // without a word, though python-evtx reads it, so a full chunk keeps at least one byte free.
    if (start + size >= CHUNK_SIZE) return false;
    if (defined === undefined) this.templates.set(e.id, instanceAt + 10);
    w.result().copy(this.buf, start);
    if (this.count === 0) this.firstRecord = recordId;
    this.lastRecord = recordId;
    this.lastRecordOffset = start;
    this.pos = start + size;
    this.count++;
    return true;
  }

  /** Writes the header: record range, offsets, the template table and both CRC32s. */
  seal(): Buffer {
    const h = this.buf;
    h.write("ElfChnk\0", 0, "latin1");
    h.writeBigUInt64LE(this.firstRecord, 8);
    h.writeBigUInt64LE(this.lastRecord, 16);
    h.writeBigUInt64LE(this.firstRecord, 24);
    h.writeBigUInt64LE(this.lastRecord, 32);
    h.writeUInt32LE(128, 40);
    h.writeUInt32LE(this.lastRecordOffset, 44);
    h.writeUInt32LE(this.pos, 48);
    h.writeUInt32LE(crc32(h.subarray(CHUNK_HEADER_SIZE, this.pos)), 52);
    // Template pointer table (32 buckets at 0x180): one definition per bucket, as readers walk it.
    [...this.templates.values()].forEach((offset, i) => h.writeUInt32LE(offset, 0x180 + 4 * (i % 32)));
    h.writeUInt32LE(crc32(h.subarray(128, CHUNK_HEADER_SIZE), crc32(h.subarray(0, 120))), 124);
    return h;
  }
}

export interface EvtxResult {
  bytes: Buffer;
  records: number;
  chunks: number;
  /** Records in the last chunk, the only one that may be partly empty. */
  lastChunkRecords: number;
}

/** Writes the events (already in time order) as an EVTX file; record ids start at `firstRecordId`. */
export function writeEvtx(events: Iterable<SecurityEvent>, computer: string, firstRecordId = 1n): EvtxResult {
  const chunks: Buffer[] = [];
  let chunk = new ChunkBuilder();
  let id = firstRecordId;
  for (const e of events) {
    if (!chunk.add(e, id, computer)) {
      chunks.push(chunk.seal());
      chunk = new ChunkBuilder();
      if (!chunk.add(e, id, computer)) throw new Error(`event ${e.id} does not fit in a chunk`);
    }
    id++;
  }
  if (chunk.count > 0 || chunks.length === 0) chunks.push(chunk.seal());
  const header = Buffer.alloc(FILE_HEADER_SIZE);
  header.write("ElfFile\0", 0, "latin1");
  header.writeBigUInt64LE(0n, 8);
  header.writeBigUInt64LE(BigInt(chunks.length - 1), 16);
  header.writeBigUInt64LE(id, 24);
  header.writeUInt32LE(128, 32);
  header.writeUInt16LE(1, 36); // minor version
  header.writeUInt16LE(3, 38); // major version
  header.writeUInt16LE(FILE_HEADER_SIZE, 40);
  header.writeUInt16LE(chunks.length & 0xffff, 42);
  header.writeUInt32LE(0, 120); // flags: clean, not full
  header.writeUInt32LE(crc32(header.subarray(0, 120)), 124);
  return { bytes: Buffer.concat([header, ...chunks]), records: Number(id - firstRecordId), chunks: chunks.length, lastChunkRecords: chunk.count };
}
