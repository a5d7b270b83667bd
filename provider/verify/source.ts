/**
 * Where `verify` reads evidence from. A local folder here; a blob container in blobSource.ts.
 * Everything `verify` needs is "list the names, read a small file, hash a package, check a
 * package's ZIP", so the checks (checks.ts) do not care where the bytes live.
 */
import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import { readdir, readFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { verifyZip, type ZipSummary } from "../evidence/verifyZip";
import { ForensicsError } from "../util/error";

export interface EvidenceSource {
  /** For messages: the folder path or the azblob:// URL. */
  readonly label: string;
  list(): Promise<string[]>;
  /** A small file's text, or undefined when it does not exist. */
  readText(name: string): Promise<string | undefined>;
  /** SHA-256 and size of a package, or undefined when it does not exist. */
  hash(name: string): Promise<{ sha256: string; sizeBytes: number } | undefined>;
  /** Reads the package's central directory and every entry's CRC-32. */
  checkZip(name: string): Promise<ZipSummary>;
  close?(): Promise<void>;
}

export function folderSource(folder: string): EvidenceSource {
  const dir = resolve(folder);
  return {
    label: dir,
    list: () =>
      readdir(dir).catch((err: { code?: string }) => {
        throw new ForensicsError(err.code === "ENOENT" ? `${dir} does not exist` : err.code === "ENOTDIR" ? `${dir} is not a folder` : `cannot list ${dir} (${err.code})`);
      }),
    readText: (name) => readFile(join(dir, name), "utf8").catch((err: { code?: string }) => (err.code === "ENOENT" ? undefined : Promise.reject(err))),
    async hash(name) {
      const hash = createHash("sha256");
      let sizeBytes = 0;
      try {
        for await (const chunk of createReadStream(join(dir, name)) as AsyncIterable<Buffer>) {
          hash.update(chunk);
          sizeBytes += chunk.length;
        }
      } catch (err) {
        if ((err as { code?: string }).code === "ENOENT") return undefined;
        throw err;
      }
      return { sha256: hash.digest("hex"), sizeBytes };
    },
    checkZip: (name) => verifyZip(join(dir, name)),
  };
}
