/**
 * The custody log as a file in a local folder: how a line reaches the disk.
 *
 * Under the folder's lock (fileLock.ts), in this order, so that a writer killed at any point
 * leaves a folder that verifies or is visibly mid-write, never one that looks tampered with:
 * 1. open `custody.jsonl` with O_NOFOLLOW (a planted symlink or FIFO is refused, never written
 *    through) and read only its tail: the last line, found by reading backwards (a log of many
 *    GiB is continued without being read whole);
 * 2. repair a torn last line (a power cut mid-write): a line that lost only its newline gets it
 *    back; a fragment is cut off, and its bytes go into a `repaired` line, so nothing is glued
 *    onto it and nothing is silently dropped;
 * 3. with a key, the new head is written as `custody.head.json.partial` (atomically): it names
 *    the SHA-256 of the whole file through the new line, measured by streaming the log under
 *    the lock and adding the new line's bytes (about a second per 500 MB; a few events a minute);
 * 4. the new line(s) are appended in one write and fsynced;
 * 5. the partial head is renamed to `custody.head.json`, and the folder synced.
 * Killed between 4 and 5, the log has one line more than the signed head, and the `.partial`
 * beside it says a writer was interrupted; the next append signs a head covering everything.
 */
import { createHash } from "node:crypto";
import type { FileHandle } from "node:fs/promises";
import { rename } from "node:fs/promises";
import { join, resolve } from "node:path";
import type { ChainAppender, TornTail } from "./chainAppender";
import { describeFsError, EvidenceError, isEvidenceError } from "./errors";
import { withFileLock } from "./fileLock";
import { logExtent } from "./logLines";
import { removeQuietly, syncDirectory, writeFileAtomic } from "./files";
import { openRegular, READ_REGULAR, refuseSymlinkedFolder, UPDATE_REGULAR } from "./regularFile";

export const CUSTODY_LOG_NAME = "custody.jsonl";
/** The signed head beside the log (attest.ts signs it; the appender writes it in the write order). */
export const HEAD_FILE = "custody.head.json";
/** The head being written: present only while (or because) a writer was interrupted. */
export const HEAD_PARTIAL_FILE = `${HEAD_FILE}.partial`;

/** Custody lines are a few KiB; a last line longer than this is not this tool's. */
export const MAX_LINE_BYTES = 1024 * 1024;
const CHUNK_BYTES = 64 * 1024;
const MEASURE_CHUNK_BYTES = 1024 * 1024;
/** Bytes of a torn fragment kept (base64) in the `repaired` line. */
const TORN_KEPT_BYTES = 4096;

const sha256Hex = (b: Buffer | string) => createHash("sha256").update(b).digest("hex");

/** A folder's log: the last line is read and the new one appended while holding the folder's lock. */
export function folderAppender(directory: string): ChainAppender {
  const dir = resolve(directory);
  const file = join(dir, CUSTODY_LOG_NAME);
  const failure = `cannot append to the custody log ${file}`;
  return {
    append: (linesFor, headFor, onStep = () => undefined) =>
      withFileLock(
        `${file}.lock`,
        async () => {
          await refuseSymlinkedFolder(dir);
          const fh = await openRegular(file, UPDATE_REGULAR, failure);
          try {
            const created = (await fh.stat()).size === 0;
            const { last, torn } = await repairTail(fh, file);
            const texts = linesFor(last, torn);
            const appended = Buffer.from(texts.map((t) => `${t}\n`).join(""), "utf8");
            const size = (await fh.stat()).size; // after the repair: ends with a newline, or empty
            const head = await headFor(texts[texts.length - 1], () => logExtent(bytesOf(fh, size), appended));
            const partialHead = join(dir, HEAD_PARTIAL_FILE);
            if (head !== undefined) {
              await writeFileAtomic(partialHead, head);
              onStep("head-prepared");
            } else {
              await removeQuietly(partialHead); // an interrupted writer's; this append is unsigned
            }
            await fh.appendFile(appended);
            await fh.sync();
            if (created) await syncDirectory(dir);
            onStep("line-written");
            if (head !== undefined) {
              await rename(partialHead, join(dir, HEAD_FILE));
              await syncDirectory(dir);
              onStep("head-committed");
            }
          } catch (err) {
            if (isEvidenceError(err)) throw err;
            throw new EvidenceError("write", `${failure}: ${describeFsError(err)}`, { cause: err });
          } finally {
            await fh.close().catch(() => undefined);
          }
        },
        failure,
      ),
  };
}

/** A folder's log as a stream (trusted time reads it back), never through a symlink. */
export async function readLogFile(directory: string): Promise<AsyncIterable<Buffer>> {
  const file = join(resolve(directory), CUSTODY_LOG_NAME);
  const fh = await openRegular(file, READ_REGULAR, `cannot read the custody log ${file}`);
  return fh.createReadStream({ highWaterMark: MEASURE_CHUNK_BYTES }) as AsyncIterable<Buffer>;
}

/**
 * The log's last whole line (undefined for an empty log), after repairing a torn tail: a line
 * that is whole but for its newline is completed; any other fragment is cut off and returned.
 */
export async function repairTail(fh: FileHandle, file: string): Promise<{ last: string | undefined; torn?: TornTail }> {
  const { size } = await fh.stat();
  if (size === 0) return { last: undefined };
  const endsWithBreak = (await readAt(fh, size - 1, 1))[0] === 0x0a;
  const end = endsWithBreak ? size - 1 : size;
  const start = await lineStart(fh, end, file);
  const segment = await readAt(fh, start, end - start);
  if (endsWithBreak) return { last: segment.toString("utf8") };
  const beforeStart = start === 0 ? 0 : await lineStart(fh, start - 1, file);
  const before = start === 0 ? undefined : (await readAt(fh, beforeStart, start - 1 - beforeStart)).toString("utf8");
  if (completesChain(segment, before)) {
    await fh.appendFile("\n");
    await fh.sync();
    return { last: segment.toString("utf8") };
  }
  await fh.truncate(start);
  await fh.sync();
  const torn: TornTail = { bytes: segment.length, sha256: sha256Hex(segment), base64: segment.subarray(0, TORN_KEPT_BYTES).toString("base64") };
  return { last: before, torn };
}

/** A fragment that is in fact a whole line chained to the line before it (only its newline was lost). */
function completesChain(segment: Buffer, before: string | undefined): boolean {
  try {
    const json = JSON.parse(segment.toString("utf8"));
    return typeof json === "object" && json !== null && json.prev === (before === undefined ? null : sha256Hex(before));
  } catch {
    return false;
  }
}

/** Offset where the line ending at `end` (exclusive) starts: just after the previous newline, or 0. */
async function lineStart(fh: FileHandle, end: number, file: string): Promise<number> {
  let pos = end;
  while (pos > 0) {
    if (end - pos >= MAX_LINE_BYTES) {
      throw new EvidenceError(
        "write",
        `${file}: its last line is longer than ${MAX_LINE_BYTES / 1024 / 1024} MiB; custody lines are small, so this is not a log this tool wrote. Move it aside (keep it) and run again`,
      );
    }
    const from = Math.max(0, pos - CHUNK_BYTES);
    const chunk = await readAt(fh, from, pos - from);
    const at = chunk.lastIndexOf(0x0a);
    if (at >= 0) return from + at + 1;
    pos = from;
  }
  return 0;
}

/** The file's first `size` bytes, in 1 MiB reads at explicit offsets (the handle's position is left alone). */
async function* bytesOf(fh: FileHandle, size: number): AsyncGenerator<Buffer> {
  for (let at = 0; at < size; at += MEASURE_CHUNK_BYTES) yield await readAt(fh, at, Math.min(MEASURE_CHUNK_BYTES, size - at));
}

async function readAt(fh: FileHandle, position: number, length: number): Promise<Buffer> {
  const buf = Buffer.alloc(length);
  let got = 0;
  while (got < length) {
    const { bytesRead } = await fh.read(buf, got, length - got, position + got);
    if (bytesRead === 0) break;
    got += bytesRead;
  }
  return buf.subarray(0, got);
}
