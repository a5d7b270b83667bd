/**
 * The ledger's documents as block blobs, written with `If-Match` (or `If-None-Match: *` for the
 * first one): Azure Storage makes each write atomic and strongly consistent, so a lost race is
 * a 412 (or 409) and nothing else. Signed in with the same @azure/identity credential as MDE
 * (Storage Blob Data Contributor on the ledger's container is all it needs).
 */
import type { TokenCredential } from "@azure/identity";
import { ContainerClient, RestError } from "@azure/storage-blob";
import type { LedgerLocation } from "./location";
import { type LedgerStore, QuotaLedgerError } from "./store";

export class BlobLedgerStore implements LedgerStore {
  readonly description: string;
  private readonly container: ContainerClient;

  constructor(private readonly location: LedgerLocation, credential: TokenCredential) {
    this.description = location.text;
    // Few, quick retries: a slot waits on this; an outage must surface in seconds.
    this.container = new ContainerClient(`${location.endpoint}/${location.container}`, credential, { retryOptions: { maxTries: 3, retryDelayInMs: 200, maxRetryDelayInMs: 2_000, tryTimeoutInMs: 15_000 } });
  }

  async read(name: string): Promise<{ text: string; etag: string } | undefined> {
    try {
      const res = await this.container.getBlockBlobClient(`${this.location.name}/${name}`).download();
      const chunks: Buffer[] = [];
      for await (const chunk of res.readableStreamBody!) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as string));
      // One call: the body and the ETag it had, so the write's If-Match is exactly what was read.
      return { text: Buffer.concat(chunks).toString("utf8"), etag: res.etag! };
    } catch (err) {
      if (err instanceof RestError && err.statusCode === 404 && err.code === "BlobNotFound") return undefined;
      throw this.describe(err, "cannot be read");
    }
  }

  async write(name: string, text: string, etag: string | undefined): Promise<{ etag: string } | "conflict"> {
    try {
      const body = Buffer.from(text, "utf8");
      const blob = this.container.getBlockBlobClient(`${this.location.name}/${name}`);
      const res = await blob.upload(body, body.length, {
        conditions: etag ? { ifMatch: etag } : { ifNoneMatch: "*" },
        blobHTTPHeaders: { blobContentType: "application/json" },
      });
      return { etag: res.etag! };
    } catch (err) {
      if (err instanceof RestError && (err.statusCode === 412 || (err.statusCode === 409 && err.code === "BlobAlreadyExists"))) return "conflict";
      throw this.describe(err, "cannot be written");
    }
  }

  /** An SDK error as what to fix; a 404 container or a refused identity is configuration, not an outage. */
  private describe(err: unknown, what: string): QuotaLedgerError {
    const status = err instanceof RestError ? err.statusCode : undefined;
    const code = err instanceof RestError ? err.code : (err as { code?: string })?.code;
    const where = `quota ledger ${this.location.text}: the container ${this.location.container} at ${this.location.endpoint} ${what}`;
    if (status === 404) return new QuotaLedgerError("config", `${where}: it does not exist (${code ?? 404}); create the container first (see examples/gitops)`, { cause: err });
    if (status === 401 || status === 403) {
      return new QuotaLedgerError("config", `${where}: the identity is not allowed (${status}${code ? ` ${code}` : ""}); grant it Storage Blob Data Contributor on the container`, { cause: err });
    }
    const tls = /CERT|SELF_SIGNED|UNABLE_TO_VERIFY/.test(String(code ?? (err as Error)?.message));
    if (tls) return new QuotaLedgerError("config", `${where}: its TLS certificate is not trusted (${code}); add its CA to NODE_EXTRA_CA_CERTS`, { cause: err });
    return new QuotaLedgerError("unavailable", `${where}: ${status !== undefined ? `HTTP ${status} ${code ?? ""}`.trimEnd() : `${(err as Error)?.message ?? String(err)}${code ? ` (${code})` : ""}`}`, { cause: err });
  }
}
