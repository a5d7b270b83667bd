/**
 * The file-system moves that make evidence durable and tamper-evident: hashing what is on disk,
 * giving a verified file its final name without ever replacing another, writing small files
 * atomically, and syncing folders so a rename survives a power cut.
 *
 * Why `link` + `unlink` rather than `rename`: POSIX `rename` silently replaces an existing
 * target, and two runs (or two stacks pointing at one folder) could race between "is the final
 * name free?" and the rename. `link` fails with EEXIST instead, so an existing package can never
 * be overwritten. File systems without hard links (some network shares) fall back to
 * check-then-rename.
 */
import { createHash, randomBytes } from "node:crypto";
import { chmod, link, lstat, open, rename, unlink } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { ForensicsError } from "../util/error";
import { describeFsError, EvidenceError } from "./errors";
import { openRegular, READ_REGULAR } from "./regularFile";

/** SHA-256 (hex) and size of a regular file, streamed; a symlink or non-file is refused (regularFile.ts). */
export async function hashFile(file: string): Promise<{ sha256: string; sizeBytes: number }> {
  const fh = await openRegular(file, READ_REGULAR, `cannot read ${file}`);
  const hash = createHash("sha256");
  let sizeBytes = 0;
  try {
    for await (const chunk of fh.createReadStream({ autoClose: false, highWaterMark: 1024 * 1024 }) as AsyncIterable<Buffer>) {
      hash.update(chunk);
      sizeBytes += chunk.length;
    }
  } finally {
    await fh.close().catch(() => undefined);
  }
  return { sha256: hash.digest("hex"), sizeBytes };
}

/** True when something (file, folder, link) exists at `path`. */
export async function exists(path: string): Promise<boolean> {
  try {
    await lstat(path);
    return true;
  } catch (err) {
    if ((err as { code?: string }).code === "ENOENT") return false;
    throw err;
  }
}

/** Removes a file if present; used to clean up `.partial` and temp files, never evidence. */
export async function removeQuietly(path: string): Promise<void> {
  await unlink(path).catch(() => undefined);
}

/** Makes a folder's entries (a new name, a rename) durable. Not possible on every platform. */
export async function syncDirectory(dir: string): Promise<void> {
  let fh: import("node:fs/promises").FileHandle | undefined;
  try {
    fh = await open(dir, "r");
    await fh.sync();
  } catch (err) {
    const code = (err as { code?: string }).code;
    // Windows cannot open a folder for sync; some file systems refuse fsync on folders.
    if (code !== "EISDIR" && code !== "EPERM" && code !== "EINVAL" && code !== "EACCES") throw err;
  } finally {
    await fh?.close().catch(() => undefined);
  }
}

export class FinalNameTakenError extends ForensicsError {
  override name = "FinalNameTakenError";
}

/**
 * Gives `from` the name `to` (mode 0600) unless `to` already exists, in which case it throws
 * {@link FinalNameTakenError} and leaves both files alone. Syncs the folder afterwards.
 */
export async function placeWithoutOverwrite(from: string, to: string): Promise<void> {
  await chmod(from, 0o600);
  try {
    await link(from, to);
    await unlink(from);
  } catch (err) {
    const code = (err as { code?: string }).code;
    if (code === "EEXIST") throw new FinalNameTakenError(`${to} already exists`);
    if (code !== "EPERM" && code !== "ENOTSUP" && code !== "EOPNOTSUPP" && code !== "EXDEV" && code !== "ENOSYS") throw err;
    if (await exists(to)) throw new FinalNameTakenError(`${to} already exists`);
    await rename(from, to);
  }
  await syncDirectory(dirname(to));
}

/**
 * Writes `text` to `file` so that readers see the old file or the whole new one, never a part:
 * temp file in the same folder, fsync, rename over, fsync the folder.
 */
export async function writeFileAtomic(file: string, text: string | Buffer, mode = 0o600): Promise<void> {
  const tmp = join(dirname(file), `.${basename(file)}.${process.pid}-${randomBytes(4).toString("hex")}.tmp`);
  try {
    const fh = await open(tmp, "wx", mode);
    try {
      await fh.writeFile(text);
      await fh.sync();
    } finally {
      await fh.close();
    }
    await rename(tmp, file);
    await syncDirectory(dirname(file));
  } catch (err) {
    await removeQuietly(tmp);
    throw new EvidenceError("write", `cannot write ${file}: ${describeFsError(err)}`, { cause: err });
  }
}
