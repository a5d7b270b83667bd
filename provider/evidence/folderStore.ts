/**
 * Evidence kept in a local folder (or a mounted share): the folder's custody file
 * (custodyFile.ts) and the keep steps of keep.ts. Resources that share one MDE collection but
 * name different folders share one download: the package kept in the first folder is copied
 * (and checked again) into the others.
 */
import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import { folderAppender, readLogFile } from "./custodyFile";
import { EvidenceError } from "./errors";
import { exists, writeFileAtomic } from "./files";
import { keepPackage, type Names } from "./keep";
import { manifestFileSha256 } from "./manifest";
import { preflightDirectory } from "./preflight";
import { resolveEvidencePath } from "./projectPath";
import type { EvidenceStore } from "./store";
import type { EvidenceSubject } from "./subject";

/** Ids become file names: only characters that cannot climb out of the folder or confuse a shell. */
const SAFE_ID = /^[A-Za-z0-9][A-Za-z0-9_-]*$/;

/**
 * Where this process last kept each action's package in a folder (per handler): the source for
 * a copy into another folder.
 */
export type KeptHere = Map<string, string>;

export function folderStore(path: string, keptHere: KeptHere): EvidenceStore {
  const dir = resolveEvidencePath(path);
  const names = (outs: EvidenceSubject): Names => {
    const base = `${outs.machineId}-${outs.actionId}`;
    return { dir, fileName: `${base}.zip`, zip: join(dir, `${base}.zip`), manifest: join(dir, `${base}.json`) };
  };
  return {
    location: dir,
    appender: folderAppender(dir),
    preflight: async () => {
      await preflightDirectory(dir);
    },
    prepare: async () => {
      await mkdir(dir, { recursive: true, mode: 0o700 }).catch(() => undefined); // the append reports what is wrong
    },
    fileName: (outs) => names(outs).fileName,
    manifestSha256: (outs) => manifestFileSha256(names(outs).manifest),
    readLog: () => readLogFile(dir),
    putToken: (name, bytes) => writeFileAtomic(join(dir, name), bytes),
    async keep(outs, k, queued) {
      const n = names(outs);
      // The "already kept?" check runs inside the queue (keepPackage), never beside it: two
      // resources of one collection must not both find the package missing and both write it.
      const job = (copyFrom?: string) => (secrets: Set<string>) => keepPackage({ ...k, secrets }, outs, n, copyFrom);
      const earlier = keptHere.get(outs.actionId);
      const first = earlier && earlier !== n.zip && (await exists(earlier)) ? undefined : await queued(outs.actionId, job());
      let kept = first?.value;
      const source = kept?.packagePath ?? earlier;
      if (!kept || (first?.joined && kept.packagePath !== n.zip)) {
        // Kept in another folder by another resource of this run: copy from there, no second download.
        kept = (await queued(`${outs.actionId}\n${dir}`, job(source))).value;
      }
      keptHere.set(outs.actionId, kept.packagePath);
      return { value: kept, joined: first?.joined ?? true };
    },
  };
}

/** The checks every store makes before a package is fetched: Succeeded, and ids safe as file names. */
export function checkFetchable(outs: EvidenceSubject): void {
  if (outs.status !== "Succeeded") {
    throw new EvidenceError("state", `collection ${outs.actionId} is ${outs.status}; its package is fetched only after it Succeeded`);
  }
  for (const [what, id] of [["action id", outs.actionId], ["machine id", outs.machineId]] as const) {
    if (typeof id !== "string" || !SAFE_ID.test(id)) throw new EvidenceError("state", `the ${what} ${JSON.stringify(id)} cannot be part of a file name`);
  }
}
