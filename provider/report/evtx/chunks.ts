/**
 * Reads an EVTX file as a stream, one 64 KiB chunk at a time (so a 1 GB Security log costs one
 * chunk of memory): the file header ("ElfFile", CRC32 of its first 120 bytes), then each chunk
 * ("ElfChnk"): its header CRC32 (bytes 0-120 and 128-512) and its event records' CRC32 (512 up to
 * the free-space offset) are checked first. A chunk that fails either is skipped whole and
 * reported, not half-trusted; a record that cannot be decoded is skipped and reported. Record and
 * byte limits stop the read with a note. Layout: libyal's EVTX documentation.
 */
import { crc32 } from "node:zlib";
import type { ReadLimits, SkipLog } from "../parse/limits";
import { ChunkXml } from "./binxml";
import { ALL_DATA, toEvent, type EvtxEvent } from "./event";
import { filetimeIso } from "./values";

const FILE_HEADER = 4096;
const CHUNK = 65536;
const FILE_MAGIC = "ElfFile\0";
const CHUNK_MAGIC = "ElfChnk\0";

export interface EvtxSummary {
  chunks: number;
  badChunks: number;
  records: number;
  /** Records read but not decoded (damaged binary XML). */
  badRecords: number;
  /** The header says the log was not closed cleanly (flag 1, "dirty"). */
  dirty: boolean;
}

/** Streams `source`, calling `onEvent` for each decoded event (with its data when `wantsData` says so); notes problems in `skip`. */
export async function readEvtx(source: AsyncIterable<Buffer> | Iterable<Buffer>, limits: Pick<ReadLimits, "records" | "evtxBytes">, skip: SkipLog, onEvent: (e: EvtxEvent) => void, wantsData: (eventId: number) => boolean = ALL_DATA): Promise<EvtxSummary> {
  const summary: EvtxSummary = { chunks: 0, badChunks: 0, records: 0, badRecords: 0, dirty: false };
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  let header: Buffer | undefined;
  let total = 0;
  let stop = false;
  const take = (n: number) => {
    const all = pending.length === 1 ? pending[0] : Buffer.concat(pending, pendingBytes);
    const out = all.subarray(0, n);
    pending = all.length > n ? [all.subarray(n)] : [];
    pendingBytes -= n;
    return out;
  };
  for await (const piece of source) {
    total += piece.length;
    if (total > limits.evtxBytes) {
      skip.add(`stopped after ${limits.evtxBytes} bytes (byte limit)`);
      break;
    }
    pending.push(piece);
    pendingBytes += piece.length;
    if (!header && pendingBytes >= FILE_HEADER) {
      header = take(FILE_HEADER);
      if (!checkFileHeader(header, skip, summary)) return summary;
    }
    while (header && !stop && pendingBytes >= CHUNK) {
      stop = readChunk(take(CHUNK), summary, limits, skip, onEvent, wantsData);
    }
    if (stop) break;
  }
  if (!header) skip.add(`not an EVTX file: ${total} bytes, shorter than the ${FILE_HEADER}-byte header`);
  else if (pendingBytes > 0 && !stop) skip.add(`${pendingBytes} trailing bytes after the last whole chunk (file cut short?)`);
  return summary;
}

function checkFileHeader(h: Buffer, skip: SkipLog, summary: EvtxSummary): boolean {
  if (h.toString("latin1", 0, 8) !== FILE_MAGIC) {
    skip.add("not an EVTX file: no ElfFile signature");
    return false;
  }
  if ((crc32(h.subarray(0, 120)) >>> 0) !== h.readUInt32LE(124)) skip.add("file header CRC32 does not match (header edited or damaged); chunks are still checked one by one");
  summary.dirty = (h.readUInt32LE(120) & 1) === 1;
  return true;
}

/** One chunk; returns true when the record limit was reached. */
function readChunk(c: Buffer, summary: EvtxSummary, limits: Pick<ReadLimits, "records">, skip: SkipLog, onEvent: (e: EvtxEvent) => void, wantsData: (eventId: number) => boolean): boolean {
  const number = ++summary.chunks;
  if (c.toString("latin1", 0, 8) !== CHUNK_MAGIC) {
    // Unused chunks at the end of a pre-allocated log are zeros: not damage.
    if (!c.subarray(0, 8).every((b) => b === 0)) {
      summary.badChunks++;
      skip.add(`chunk ${number}: no ElfChnk signature, skipped`, number);
    }
    return false;
  }
  const headerCrc = crc32(c.subarray(128, 512), crc32(c.subarray(0, 120))) >>> 0;
  const free = c.readUInt32LE(48);
  if (headerCrc !== c.readUInt32LE(124)) return bad(`chunk ${number}: header CRC32 does not match, chunk skipped`);
  if (free < 512 || free > CHUNK) return bad(`chunk ${number}: free-space offset ${free} is outside the chunk, chunk skipped`);
  if ((crc32(c.subarray(512, free)) >>> 0) !== c.readUInt32LE(52)) return bad(`chunk ${number}: event records CRC32 does not match, chunk skipped`);
  const xml = new ChunkXml(c);
  for (let off = 512; off + 24 <= free; ) {
    if (c.readUInt32LE(off) !== 0x00002a2a) {
      skip.add(`chunk ${number}: no record signature at offset ${off}, rest of chunk skipped`, number);
      break;
    }
    const size = c.readUInt32LE(off + 4);
    if (size < 28 || off + size > free) {
      skip.add(`chunk ${number}: record at offset ${off} has size ${size}, rest of chunk skipped`, number);
      break;
    }
    if (summary.records >= limits.records) {
      skip.add(`stopped after ${limits.records} records (record limit)`, summary.records);
      return true;
    }
    const record = ++summary.records;
    try {
      const root = xml.record(off + 24, off + size - 4);
      const at = off;
      const header = { recordId: () => c.readBigUInt64LE(at + 8).toString(), writtenTime: () => filetimeIso(c.readUInt32LE(at + 16), c.readUInt32LE(at + 20)) };
      const e = root && toEvent(root, record, header, wantsData);
      if (e) onEvent(e);
      else throw new Error("no System/EventID");
    } catch (err) {
      summary.badRecords++;
      skip.add(`record ${record} could not be decoded (${(err as Error).message})`, record);
    }
    off += size;
  }
  return false;

  function bad(reason: string): false {
    summary.badChunks++;
    skip.add(reason, number);
    return false;
  }
}
