/**
 * The report's EVTX reader on damaged logs: a chunk whose records or header do not match their
 * CRC32 is skipped whole and named (the rest of the log is still read), a cut file and a file
 * that is not EVTX are reported, and the record limit stops the read with a note.
 */
import { readEvtx } from "../../provider/report/evtx/chunks";
import { SkipLog } from "../../provider/report/parse/limits";
import { sampleSecurityLog } from "../helpers/reportFleet";

async function read(bytes: Buffer, limits = { records: 1e9, evtxBytes: 1e12 }) {
  const skip = new SkipLog("Security event log/Security.evtx");
  const ids: number[] = [];
  // Fed in odd-sized pieces, as a ZIP stream delivers them.
  async function* pieces() {
    for (let o = 0; o < bytes.length; o += 7777) yield bytes.subarray(o, o + 7777);
  }
  const summary = await readEvtx(pieces(), limits, skip, (e) => ids.push(e.eventId));
  return { summary, ids, notes: skip.list().map((n) => n.reason) };
}

let log: Buffer;
beforeAll(async () => {
  log = await sampleSecurityLog(1);
});

it("reads an intact log without a note", async () => {
  const r = await read(log);
  expect(r.notes).toEqual([]);
  expect(r.summary.chunks).toBeGreaterThan(3);
  expect(r.summary.badChunks).toBe(0);
  expect(r.ids.length).toBe(r.summary.records);
});

it("skips a chunk whose event records fail their CRC32, names it, and reads the others", async () => {
  const intact = await read(log);
  const bad = Buffer.from(log);
  bad[4096 + 65536 + 2000] ^= 0xff; // a byte inside chunk 2's records
  const r = await read(bad);
  expect(r.notes).toEqual(["chunk 2: event records CRC32 does not match, chunk skipped"]);
  expect(r.summary.badChunks).toBe(1);
  expect(r.ids.length).toBeLessThan(intact.ids.length);
  expect(r.ids.length).toBeGreaterThan(intact.ids.length / 2);
});

it("skips a chunk whose header fails its CRC32", async () => {
  const bad = Buffer.from(log);
  bad[4096 + 2 * 65536 + 300] ^= 0x01; // chunk 3's string table, covered by the header CRC
  expect((await read(bad)).notes).toEqual(["chunk 3: header CRC32 does not match, chunk skipped"]);
});

it("reports a cut file, a file that is not EVTX, and the record limit", async () => {
  expect((await read(log.subarray(0, 4096 + 65536 + 100))).notes).toEqual(["100 trailing bytes after the last whole chunk (file cut short?)"]);
  expect((await read(Buffer.alloc(10000, 0x41))).notes).toEqual(["not an EVTX file: no ElfFile signature"]);
  const limited = await read(log, { records: 50, evtxBytes: 1e12 });
  expect(limited.ids).toHaveLength(50);
  expect(limited.notes).toEqual([expect.stringMatching(/stopped after 50 records/)]);
});
