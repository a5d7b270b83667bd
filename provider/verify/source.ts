/**
 * Where `verify` reads evidence from. A local folder here; a blob container in blobSource.ts.
 * Everything `verify` needs is "list the entries, read a small file, stream the log, hash a
 * package, check a package's ZIP", so the checks (checks.ts) do not care where the bytes live.
 *
 * Regular files only, and never through a symlink: a planted link would make verify vouch for
 * bytes outside the folder, and a FIFO or a device (`/dev/zero`) named as a package would hang
 * it. Each file is `lstat`ed, then opened with O_NOFOLLOW (O_NONBLOCK, so a FIFO swapped in
 * between cannot block the open) and `fstat`ed again; anything else is reported by its kind.
 */
import { createHash } from "node:crypto";
import { constants, type Stats } from "node:fs";
import { type FileHandle, lstat, open, readdir } from "node:fs/promises";
import { join, resolve } from "node:path";
import { verifyZipHandle, type ZipSummary } from "../evidence/verifyZip";
import { ForensicsError } from "../util/error";

export type EntryKind = "file" | "directory" | "symbolic link" | "FIFO" | "socket" | "device" | "other";

export interface SourceEntry {
  name: string;
  kind: EntryKind;
}

/** A local folder: regular files only, opened without following links (see above). */
export function folderSource(folder: string): EvidenceSource {
  const dir = resolve(folder);
  /** The open regular file `name`, or undefined when it does not exist. */
  async function openRegular(name: string): Promise<FileHandle | undefined> {
    const path = join(dir, name);
    let before: Stats;
    try {
      before = await lstat(path);
    } catch (err) {
      if ((err as { code?: string }).code === "ENOENT") return undefined;
      throw err;
    }
    if (!before.isFile()) throw new NotRegularFileError(name, kindOf(before));
    let fh: FileHandle;
    try {
      fh = await open(path, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
    } catch (err) {
      if ((err as { code?: string }).code === "ELOOP") throw new NotRegularFileError(name, "symbolic link");
      throw err;
    }
    const after = await fh.stat();
    if (!after.isFile() || after.ino !== before.ino || after.dev !== before.dev) {
      await fh.close();
      throw new NotRegularFileError(name, after.isFile() ? "other" : kindOf(after));
    }
    return fh;
  }
  const streamOf = (fh: FileHandle) => fh.createReadStream() as AsyncIterable<Buffer>;
  // One read buffer, lent to one hash at a time (a concurrent one gets its own): a stream's fresh
  // 64 KiB buffer per read made hashing a fleet allocate its whole size again, outside V8's heap,
  // which V8 answers with full collections (bench/README.md "Triage report").
  let spare: Buffer | undefined;
  async function hashFile(fh: FileHandle): Promise<{ sha256: string; sizeBytes: number }> {
    const buf = spare ?? Buffer.allocUnsafeSlow(HASH_READ_BYTES);
    spare = undefined;
    try {
      const hash = createHash("sha256");
      let sizeBytes = 0;
      for (let n = (await fh.read(buf, 0, buf.length, null)).bytesRead; n > 0; n = (await fh.read(buf, 0, buf.length, null)).bytesRead) {
        hash.update(buf.subarray(0, n));
        sizeBytes += n;
      }
      return { sha256: hash.digest("hex"), sizeBytes };
    } finally {
      spare = buf;
      await fh.close();
    }
  }
  return {
    label: dir,
    async list() {
      const entries = await readdir(dir, { withFileTypes: true }).catch((err: { code?: string }) => {
        throw new ForensicsError(err.code === "ENOENT" ? `${dir} does not exist` : err.code === "ENOTDIR" ? `${dir} is not a folder` : `cannot list ${dir} (${err.code})`);
      });
      return Promise.all(entries.map(async (e) => ({ name: e.name, kind: e.isFile() ? "file" : kindOf(await lstat(join(dir, e.name))) })));
    },
    async readBytes(name, maxBytes) {
      const fh = await openRegular(name);
      if (!fh) return undefined;
      try {
        const { size } = await fh.stat();
        if (size > maxBytes) throw new ForensicsError(`${name}: ${size} bytes, more than the ${maxBytes} a file of this kind can have`);
        return await fh.readFile();
      } finally {
        await fh.close();
      }
    },
    async stream(name) {
      const fh = await openRegular(name);
      return fh && streamOf(fh);
    },
    async hash(name) {
      const fh = await openRegular(name);
      return fh && hashFile(fh);
    },
    async checkZip(name) {
      // The descriptor opened as a regular file is the one checked (zipLimits.ts bounds it): no re-open by path.
      const fh = await openRegular(name);
      if (!fh) throw new ForensicsError(`${name} is missing`);
      try {
        return await verifyZipHandle(fh, name);
      } finally {
        await fh.close();
      }
    },
  };
}

const HASH_READ_BYTES = 256 * 1024;

/** A name that is there, but not as a regular file: reported as a problem, never read. */
export class NotRegularFileError extends ForensicsError {
  override name = "NotRegularFileError";
  constructor(
    readonly file: string,
    readonly kind: EntryKind,
  ) {
    super(`${file}: not a regular file (a ${kind})`);
  }
}

export interface EvidenceSource {
  /** For messages: the folder path or the azblob:// URL. */
  readonly label: string;
  list(): Promise<SourceEntry[]>;
  /** A small file's bytes (at most `maxBytes`), or undefined when it does not exist. */
  readBytes(name: string, maxBytes: number): Promise<Buffer | undefined>;
  /** A file's bytes as a stream, or undefined when it does not exist. */
  stream(name: string): Promise<AsyncIterable<Buffer> | undefined>;
  /** SHA-256 and size of a package, or undefined when it does not exist. */
  hash(name: string): Promise<{ sha256: string; sizeBytes: number } | undefined>;
  /** Reads the package's central directory and every entry's CRC-32. */
  checkZip(name: string): Promise<ZipSummary>;
  close?(): Promise<void>;
}

export function kindOf(s: Stats): EntryKind {
  if (s.isFile()) return "file";
  if (s.isDirectory()) return "directory";
  if (s.isSymbolicLink()) return "symbolic link";
  if (s.isFIFO()) return "FIFO";
  if (s.isSocket()) return "socket";
  if (s.isCharacterDevice() || s.isBlockDevice()) return "device";
  return "other";
}

/** Hashes a stream of bytes. */
export async function hashStream(chunks: AsyncIterable<Buffer>): Promise<{ sha256: string; sizeBytes: number }> {
  const hash = createHash("sha256");
  let sizeBytes = 0;
  for await (const chunk of chunks) {
    hash.update(chunk);
    sizeBytes += chunk.length;
  }
  return { sha256: hash.digest("hex"), sizeBytes };
}
