/**
 * Evidence is only ever a regular file, reached without following a symbolic link.
 *
 * Why: a folder that others can write to may hold a planted `custody.jsonl` symlink (the writer
 * would append to any file it points at), a package that is a symlink to a file outside the
 * folder (it would be hashed and reported as kept), or a FIFO or device (`/dev/zero`) named like
 * a package (a reader would hang or read forever). Opening with O_NOFOLLOW refuses the first two
 * atomically (no check-then-open window); O_NONBLOCK keeps a FIFO from blocking the open, and
 * `fstat` on the opened descriptor refuses everything that is not a regular file.
 */
import { constants } from "node:fs";
import { type FileHandle, lstat, open } from "node:fs/promises";
import { basename } from "node:path";
import { describeFsError, EvidenceError } from "./errors";

/** 0 where the platform lacks the flag (Windows has no O_NOFOLLOW; symlinks there need privileges). */
const NOFOLLOW = constants.O_NOFOLLOW ?? 0;
const NONBLOCK = constants.O_NONBLOCK ?? 0;

export const READ_REGULAR = constants.O_RDONLY | NOFOLLOW | NONBLOCK;
export const APPEND_REGULAR = constants.O_WRONLY | constants.O_APPEND | constants.O_CREAT | NOFOLLOW | NONBLOCK;
/** Read and write an existing file (the custody log, when its torn tail is repaired). */
export const UPDATE_REGULAR = constants.O_RDWR | constants.O_APPEND | constants.O_CREAT | NOFOLLOW | NONBLOCK;

export function symlinkRefused(path: string): EvidenceError {
  return new EvidenceError(
    "unsafe",
    `${path} is a symbolic link; evidence is never read or written through a link. Keep it aside (it may show tampering), remove it, and run again`,
  );
}

export function notRegularRefused(path: string, what: string): EvidenceError {
  return new EvidenceError("unsafe", `${path} is not a regular file (${what}); evidence is only ever a regular file. Move it aside and run again`);
}

/**
 * Opens `path` with `flags` (one of the constants above), refusing a symlink or anything but a
 * regular file; `failure` starts the message of other errors. ENOENT is rethrown as is when
 * `flags` cannot create, so callers can treat "missing" themselves.
 */
export async function openRegular(path: string, flags: number, failure: string, mode = 0o600): Promise<FileHandle> {
  let fh: FileHandle;
  try {
    fh = await open(path, flags, mode);
  } catch (err) {
    const code = (err as { code?: string }).code;
    if (code === "ELOOP" || (code === "ENXIO" && (await isSymlink(path)))) throw symlinkRefused(path);
    if (code === "ENXIO") throw notRegularRefused(path, "a FIFO or socket without a peer");
    if (code === "ENOENT" && !(flags & constants.O_CREAT)) throw err;
    throw new EvidenceError("write", `${failure}: ${describeFsError(err)}`, { cause: err });
  }
  const info = await fh.stat().catch(async (err: unknown) => {
    await fh.close().catch(() => undefined);
    throw new EvidenceError("write", `${failure}: ${describeFsError(err)}`, { cause: err });
  });
  if (!info.isFile()) {
    await fh.close().catch(() => undefined);
    throw notRegularRefused(path, kindOf(info));
  }
  return fh;
}

/**
 * The last part of `dir` must be a real folder, not a symlink to one: an attacker who can write
 * beside the folder could otherwise swap it for a link and redirect every later write. (Links in
 * the parents, e.g. macOS's /tmp, are the administrator's, and are followed.)
 */
export async function refuseSymlinkedFolder(dir: string): Promise<void> {
  if (await isSymlink(dir)) {
    throw new EvidenceError("unsafe", `the evidence folder ${dir} is a symbolic link (${basename(dir)}); point evidenceDirectory at the real folder instead`);
  }
}

async function isSymlink(path: string): Promise<boolean> {
  return lstat(path).then(
    (s) => s.isSymbolicLink(),
    () => false,
  );
}

function kindOf(info: { isDirectory(): boolean; isFIFO(): boolean; isCharacterDevice(): boolean; isBlockDevice(): boolean; isSocket(): boolean }): string {
  if (info.isDirectory()) return "a folder";
  if (info.isFIFO()) return "a FIFO";
  if (info.isCharacterDevice() || info.isBlockDevice()) return "a device";
  if (info.isSocket()) return "a socket";
  return "not a file";
}
