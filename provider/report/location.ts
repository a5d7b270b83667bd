/**
 * Where the report reads packages from and appends its custody event: a folder, or a blob
 * container (azblob://account/container/prefix, read with the provider's sign-in like `verify`).
 * yauzl needs random access to read a ZIP in place, so a blob package is streamed to a private
 * temporary file (never extracted) and hashed on the way: it is read only when that hash is the
 * one `verify`'s checks just accepted. The temporary file is removed right after.
 */
import { createHash } from "node:crypto";
import { createWriteStream } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { pipeline } from "node:stream/promises";
import { Transform } from "node:stream";
import type { TokenCredential } from "@azure/identity";
import type { ChainAppender } from "../evidence/chainAppender";
import { containerClient } from "../evidence/blob/container";
import { blobAppender } from "../evidence/blob/custody";
import { blobName, isBlobDestination, parseBlobDestination } from "../evidence/blob/destination";
import { ForensicsError } from "../util/error";

export interface PackageFiles {
  /** Calls `use` with a local path of the package whose bytes hash to `sha256`. */
  withLocalZip<T>(file: string, sha256: string, use: (path: string) => Promise<T>): Promise<T>;
  /** The custody log's chain appender for this location (undefined: the folder's own). */
  appender(): ChainAppender | undefined;
  /** The location as CustodyLog.append takes it. */
  custodyTarget: string;
}

export async function packageFiles(location: string, credential?: TokenCredential): Promise<PackageFiles> {
  if (!isBlobDestination(location)) {
    const dir = resolve(location);
    return {
      withLocalZip: (file, _sha, use) => use(join(dir, file)),
      appender: () => undefined,
      custodyTarget: dir,
    };
  }
  if (!credential) throw new ForensicsError(`${location}: a blob container needs a credential`);
  const d = parseBlobDestination(location);
  const container = containerClient(d, credential);
  const appender = blobAppender(d, container);
  return {
    custodyTarget: d.text,
    appender: () => appender,
    async withLocalZip(file, sha256, use) {
      const dir = await mkdtemp(join(tmpdir(), "mde-report-"));
      try {
        const local = join(dir, "package.zip");
        const hash = createHash("sha256");
        const res = await container.getBlobClient(blobName(d, file)).download();
        const hashing = new Transform({ transform: (chunk: Buffer, _e, done) => (hash.update(chunk), done(null, chunk)) });
        await pipeline(res.readableStreamBody!, hashing, createWriteStream(local, { mode: 0o600 }));
        const got = hash.digest("hex");
        if (got !== sha256) throw new ForensicsError(`${file} changed while the report read it: SHA-256 ${got}, verified ${sha256}`);
        return await use(local);
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    },
  };
}
