/**
 * The evidence folder is checked before MDE is asked to collect anything.
 *
 * Why up front: a collection costs a device a few minutes of work and the download link is
 * short-lived. Discovering only after `Succeeded` that the folder is missing or read-only would
 * waste the collection and the GetPackageUri quota, so `create` fails early instead, with a
 * message that says what to fix, and nothing is requested.
 */
import { randomBytes } from "node:crypto";
import { mkdir, open, stat, unlink } from "node:fs/promises";
import { join, resolve } from "node:path";
import { describeFsError, EvidenceError } from "./errors";
import { refuseSymlinkedFolder } from "./regularFile";

/** Prefix of the probe file; hidden so a crash that leaves one behind does not look like evidence. */
const PROBE_PREFIX = ".mde-forensics-probe-";

/**
 * Makes sure `directory` exists (creating it and its parents), is a folder, and accepts a new
 * file. Returns the absolute path. Throws an {@link EvidenceError} of kind `directory`.
 */
export async function preflightDirectory(directory: string): Promise<string> {
  if (typeof directory !== "string" || directory.trim() === "") {
    throw new EvidenceError("directory", "evidenceDirectory is empty; set it to a folder the package can be written to");
  }
  const dir = resolve(directory);
  try {
    await mkdir(dir, { recursive: true, mode: 0o700 });
  } catch (err) {
    // EEXIST: a file is in the way; the stat below says so in plainer words.
    if ((err as { code?: string }).code !== "EEXIST")
      throw new EvidenceError("directory", `evidenceDirectory ${dir} cannot be created: ${describeFsError(err)}`, { cause: err });
  }
  await refuseSymlinkedFolder(dir);
  const info = await stat(dir).catch((err: unknown) => {
    throw new EvidenceError("directory", `evidenceDirectory ${dir} cannot be read: ${describeFsError(err)}`, { cause: err });
  });
  if (!info.isDirectory()) {
    throw new EvidenceError("directory", `evidenceDirectory ${dir} is not a folder; point it at a folder or remove the file`);
  }
  await probeWritable(dir);
  return dir;
}

/**
 * Creates, writes, syncs and removes a small file. `access(W_OK)` is not enough: it ignores
 * read-only mounts on some systems, quotas, and ACLs, and says nothing about a full disk.
 */
async function probeWritable(dir: string): Promise<void> {
  const probe = join(dir, `${PROBE_PREFIX}${process.pid}-${randomBytes(6).toString("hex")}`);
  try {
    const fh = await open(probe, "wx", 0o600);
    try {
      await fh.writeFile("probe\n");
      await fh.sync();
    } finally {
      await fh.close();
    }
  } catch (err) {
    await unlink(probe).catch(() => undefined);
    throw new EvidenceError("directory", `evidenceDirectory ${dir} is not writable: ${describeFsError(err)}`, { cause: err });
  }
  try {
    await unlink(probe);
  } catch (err) {
    throw new EvidenceError("directory", `evidenceDirectory ${dir} allows creating files but not removing them: ${describeFsError(err)}`, { cause: err });
  }
}
