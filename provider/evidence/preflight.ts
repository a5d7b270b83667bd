/**
 * The evidence folder is checked before MDE is asked to collect anything.
 *
 * Why up front: a collection costs a device a few minutes of work and the download link is
 * short-lived. Discovering only after `Succeeded` that the folder is missing or read-only would
 * waste the collection and the GetPackageUri quota, so `create` fails early instead, with a
 * message that says what to fix, and nothing is requested.
 *
 * Bounded: folders are created one level at a time (Node's recursive mkdir loops forever where a
 * file system refuses a new folder with ENOENT under an existing parent, as /proc does), and the
 * whole check gives up after PREFLIGHT_TIMEOUT_MS (a hung network mount), saying so.
 */
import { randomBytes } from "node:crypto";
import * as fsp from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import { describeFsError, EvidenceError } from "./errors";
import { refuseSymlinkedFolder } from "./regularFile";

/** Longest a folder check may take: a local disk answers in milliseconds. */
export const PREFLIGHT_TIMEOUT_MS = 30_000;

/** The file operations the check uses; tests replace one to model a path that never answers. */
export type PreflightFs = Pick<typeof fsp, "mkdir" | "stat" | "open" | "unlink">;

export interface PreflightOptions {
  /** @default PREFLIGHT_TIMEOUT_MS */
  timeoutMs?: number;
  /** @default node:fs/promises */
  fs?: PreflightFs;
}

/** Prefix of the probe file; hidden so a crash that leaves one behind does not look like evidence. */
const PROBE_PREFIX = ".mde-forensics-probe-";

/**
 * Makes sure `directory` exists (creating it and its parents), is a folder, and accepts a new
 * file, within `timeoutMs`. Returns the absolute path. Throws an {@link EvidenceError} of kind `directory`.
 */
export async function preflightDirectory(directory: string, options: PreflightOptions = {}): Promise<string> {
  if (typeof directory !== "string" || directory.trim() === "") {
    throw new EvidenceError("directory", "evidenceDirectory is empty; set it to a folder the package can be written to");
  }
  const dir = resolve(directory);
  const timeoutMs = options.timeoutMs ?? PREFLIGHT_TIMEOUT_MS;
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new EvidenceError("directory", `evidenceDirectory ${dir} did not answer within ${timeoutMs >= 1000 ? `${Math.round(timeoutMs / 1000)} s` : `${timeoutMs} ms`} (creating, reading or writing a probe file never finished): is it on a hung network mount or a special file system such as /proc? Choose a folder on a local or reachable disk`)),
      timeoutMs,
    );
  });
  try {
    return await Promise.race([check(dir, options.fs ?? fsp), timedOut]);
  } finally {
    clearTimeout(timer);
  }
}

async function check(dir: string, fs: PreflightFs): Promise<string> {
  await makeFolders(dir, fs);
  await refuseSymlinkedFolder(dir);
  const info = await fs.stat(dir).catch((err: unknown) => {
    throw new EvidenceError("directory", `evidenceDirectory ${dir} cannot be read: ${describeFsError(err)}`, { cause: err });
  });
  if (!info.isDirectory()) {
    throw new EvidenceError("directory", `evidenceDirectory ${dir} is not a folder; point it at a folder or remove the file`);
  }
  await probeWritable(dir, fs);
  return dir;
}

/** `mkdir -p`, one level at a time from the nearest existing ancestor, so it always ends. */
async function makeFolders(dir: string, fs: PreflightFs): Promise<void> {
  const missing: string[] = [];
  for (let d = dir; ; d = dirname(d)) {
    const exists = await fs.stat(d).then(() => true, () => false);
    if (exists || dirname(d) === d) break;
    missing.unshift(d);
  }
  for (const d of missing) {
    try {
      await fs.mkdir(d, { mode: 0o700 });
    } catch (err) {
      const code = (err as { code?: string }).code;
      // EEXIST: made meanwhile, or a file is in the way; the stat after says so in plainer words.
      if (code === "EEXIST") continue;
      // ENOENT under a parent that exists: the file system takes no new folders (/proc, /sys).
      const why = code === "ENOENT" ? `the file system refused to create ${d} in ${dirname(d)}, which exists (ENOENT): a special file system such as /proc? Choose a folder on a disk` : describeFsError(err);
      throw new EvidenceError("directory", `evidenceDirectory ${dir} cannot be created: ${why}`, { cause: err });
    }
  }
}

/**
 * Creates, writes, syncs and removes a small file. `access(W_OK)` is not enough: it ignores
 * read-only mounts on some systems, quotas, and ACLs, and says nothing about a full disk.
 */
async function probeWritable(dir: string, fs: PreflightFs): Promise<void> {
  const probe = join(dir, `${PROBE_PREFIX}${process.pid}-${randomBytes(6).toString("hex")}`);
  try {
    const fh = await fs.open(probe, "wx", 0o600);
    try {
      await fh.writeFile("probe\n");
      await fh.sync();
    } finally {
      await fh.close();
    }
  } catch (err) {
    await fs.unlink(probe).catch(() => undefined);
    throw new EvidenceError("directory", `evidenceDirectory ${dir} is not writable: ${describeFsError(err)}`, { cause: err });
  }
  try {
    await fs.unlink(probe);
  } catch (err) {
    throw new EvidenceError("directory", `evidenceDirectory ${dir} allows creating files but not removing them: ${describeFsError(err)}`, { cause: err });
  }
}
