/**
 * A blob container (under a prefix) as an evidence source for `verify`, read with
 * @azure/identity's DefaultAzureCredential (an investigator's `az login`, a managed identity,
 * or AZURE_* variables): read access is enough. Packages are hashed as they stream; the ZIP check
 * needs random access, so a package is streamed to a temp file for it and removed afterwards.
 */
import { createWriteStream } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pipeline } from "node:stream/promises";
import type { TokenCredential } from "@azure/identity";
import { containerClient, isBlobError } from "../evidence/blob/container";
import { blobName, parseBlobDestination } from "../evidence/blob/destination";
import { verifyZip } from "../evidence/verifyZip";
import { ForensicsError } from "../util/error";
import { type EvidenceSource, hashStream, type SourceEntry } from "./source";

export async function blobSource(location: string, credential?: TokenCredential): Promise<EvidenceSource> {
  const d = parseBlobDestination(location);
  const { DefaultAzureCredential } = await import("@azure/identity");
  const container = containerClient(d, credential ?? new DefaultAzureCredential());
  const blob = (name: string) => container.getBlobClient(blobName(d, name));
  const orUndefined = async <T>(p: Promise<T>): Promise<T | undefined> => p.catch((err: unknown) => (isBlobError(err, 404) ? undefined : Promise.reject(err)));
  return {
    label: d.text,
    async list() {
      const entries = new Map<string, SourceEntry>();
      const start = d.prefix ? `${d.prefix}/` : "";
      for await (const item of container.listBlobsFlat({ prefix: start })) {
        const rest = item.name.slice(start.length);
        const cut = rest.indexOf("/");
        // Blobs under a deeper prefix are a "folder" verify does not read: reported, as in a folder.
        if (cut < 0) entries.set(rest, { name: rest, kind: "file" });
        else entries.set(rest.slice(0, cut), { name: rest.slice(0, cut), kind: "directory" });
      }
      return [...entries.values()];
    },
    async readBytes(name, maxBytes) {
      const props = await orUndefined(blob(name).getProperties());
      if (!props) return undefined;
      if ((props.contentLength ?? 0) > maxBytes) throw new ForensicsError(`${name}: ${props.contentLength} bytes, more than the ${maxBytes} a file of this kind can have`);
      return orUndefined(blob(name).downloadToBuffer());
    },
    stream: async (name) => (await orUndefined(blob(name).download()))?.readableStreamBody as AsyncIterable<Buffer> | undefined,
    async hash(name) {
      const res = await orUndefined(blob(name).download());
      return res && hashStream(res.readableStreamBody as AsyncIterable<Buffer>);
    },
    async checkZip(name) {
      const dir = await mkdtemp(join(tmpdir(), "mde-verify-"));
      try {
        const res = await blob(name).download();
        const file = join(dir, name);
        await pipeline(res.readableStreamBody!, createWriteStream(file, { mode: 0o600 }));
        return await verifyZip(file);
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    },
  };
}
