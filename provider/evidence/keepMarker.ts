/**
 * The names around one package being kept in a folder, and what makes them safe to use:
 * - the marker `<machineId>-<actionId>.partial`, which exists exactly while a keep is under way
 *   or was interrupted, so a reader can tell an incomplete package from a tampered one;
 * - hidden `.partial` downloads of writers that died, removed before a new attempt (they are no
 *   evidence, and `verify` would have to account for them);
 * - the final names, refused when something planted a symlink or a non-file there.
 */
import { hostname } from "node:os";
import { lstat, readdir, stat } from "node:fs/promises";
import { join } from "node:path";
import { removeQuietly, writeFileAtomic } from "./files";
import { envelopeName } from "./attest";
import { notRegularRefused, refuseSymlinkedFolder, symlinkRefused } from "./regularFile";

/** This host in a partial's name (letters, digits, `-`): a dead pid means something only on its own host. */
export const HOST_TAG = hostname().replace(/[^A-Za-z0-9-]/g, "-").slice(0, 63) || "host";
/** A hidden partial nobody has written to for this long is abandoned, whichever host wrote it. */
const ABANDONED_MS = 24 * 3600_000;

interface MarkedNames {
  dir: string;
  fileName: string;
  zip: string;
  manifest: string;
}

export const markerPath = (names: MarkedNames) => names.zip.replace(/\.zip$/, ".partial");

/** Written (atomically, synced) before the package gets its final name. */
export async function writeMarker(names: MarkedNames, sha256: string, sizeBytes: number): Promise<void> {
  const note = {
    keeping: names.fileName,
    sha256,
    sizeBytes,
    startedUtc: new Date().toISOString(),
    writer: `${HOST_TAG}:${process.pid}`,
    meaning: "this package is being kept, or its writer was interrupted: until this file is gone, the package, its manifest and the custody log may disagree. The next `pulumi up` completes it.",
  };
  await writeFileAtomic(markerPath(names), `${JSON.stringify(note, null, 2)}\n`);
}

export async function removeMarker(names: MarkedNames): Promise<void> {
  await removeQuietly(markerPath(names));
}

/** Hidden partials of this package left by writers of this host that no longer run, or abandoned for a day. */
export async function removeDeadPartials(names: MarkedNames): Promise<void> {
  const prefix = `.${names.fileName}.`;
  const entries = await readdir(names.dir).catch(() => [] as string[]);
  for (const name of entries) {
    if (!name.startsWith(prefix) || !name.endsWith(".partial")) continue;
    const m = /^([A-Za-z0-9-]+)\.(\d+)-[0-9a-f]+\.partial$/.exec(name.slice(prefix.length));
    const path = join(names.dir, name);
    const ageMs = await stat(path).then((s) => Date.now() - s.mtimeMs, () => 0);
    const dead = m !== null && m[1] === HOST_TAG && !alive(Number(m[2]));
    if (dead || ageMs > ABANDONED_MS) await removeQuietly(path);
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as { code?: string }).code !== "ESRCH";
  }
}

/** The folder and the package's final names must not be symlinks, and what exists there must be a regular file. */
export async function refuseUnsafeNames(names: MarkedNames): Promise<void> {
  await refuseSymlinkedFolder(names.dir);
  for (const path of [names.zip, names.manifest, join(names.dir, envelopeName(names.fileName)), markerPath(names)]) {
    const info = await lstat(path).catch(() => undefined);
    if (!info) continue;
    if (info.isSymbolicLink()) throw symlinkRefused(path);
    if (!info.isFile()) throw notRegularRefused(path, info.isDirectory() ? "a folder" : "not a file");
  }
}
