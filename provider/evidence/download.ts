/**
 * One download attempt: stream the package from the storage host straight into the `.partial`
 * file its caller holds open (created exclusively: one writer per file), hashing and counting on
 * the way, then fsync.
 *
 * Why streaming and hashing in one pass: packages reach hundreds of MiB; holding one in memory
 * would be wasteful, and reading it back to hash it would double the disk I/O. Why classify every
 * failure: the caller reacts differently to a dropped connection (retry the same link), a refused
 * link (ask MDE for a new one, which costs quota) and a full disk (stop, nothing helps).
 */
import { createHash } from "node:crypto";
import { type FileHandle, open } from "node:fs/promises";
import { type Dispatcher, request } from "undici";
import { isLoopbackHost } from "../api/endpoints";
import { describeFsError, EvidenceError, messageOf } from "./errors";

export interface DownloadAttemptOptions {
  dispatcher: Dispatcher;
  /** Time to wait for the response headers. */
  headersTimeoutMs: number;
  /** Longest silence allowed between two body chunks. */
  bodyTimeoutMs: number;
}

export interface DownloadedBytes {
  sha256: string;
  sizeBytes: number;
  /** The Content-Length the storage host announced, when it did. */
  contentLength: number | null;
}

/**
 * A second destination for the same bytes in the same pass (the blob upload): `write` is called
 * with each batch in order, `finish` once the whole body arrived. Its errors fail the attempt.
 */
export interface ChunkSink {
  write(data: Buffer): Promise<void>;
  finish(): Promise<void>;
}

/** Bytes gathered before one write: fewer syscalls than one write per network chunk. */
const WRITE_BATCH_BYTES = 1024 * 1024;

/** Storage answers that mean "this link no longer works": a fresh link is the remedy. */
const LINK_REFUSED = new Set([401, 403, 404, 410]);
/** Answers that say "try again later" with the same link. */
const TRANSIENT = new Set([408, 425, 429, 500, 502, 503, 504]);

/**
 * The link is a bearer credential in its query string: it may only travel encrypted, except to an
 * emulator on this machine.
 */
export function checkLink(link: string, knownSecrets: readonly string[]): URL {
  let url: URL;
  try {
    url = new URL(link);
  } catch {
    throw new EvidenceError("packageUri", "GetPackageUri returned something that is not a URL", { knownSecrets });
  }
  if (url.protocol === "https:" || (url.protocol === "http:" && isLoopbackHost(url.hostname))) return url;
  throw new EvidenceError("packageUri", `GetPackageUri returned a ${url.protocol} link to ${url.hostname}; only https links are used`, { knownSecrets });
}

/**
 * Creates `file` for this writer alone (O_EXCL, mode 0600): if the name exists, another run is
 * writing it or crashed while writing it, and neither may be overwritten or shared.
 */
export async function openPartial(file: string): Promise<FileHandle> {
  const fh = await open(file, "wx", 0o600).catch((err: unknown) => {
    throw new EvidenceError("write", `cannot create ${file}: ${describeFsError(err)}`, { cause: err });
  });
  await fh.chmod(0o600).catch(() => undefined);
  return fh;
}

/**
 * Downloads `link` into the open, empty `fh` (named `file` in messages), from position 0. Throws an {@link EvidenceError} of kind
 * `linkExpired`, `transfer`, `http` or `write`; the caller closes and removes the file.
 */
export async function downloadOnce(link: string, fh: FileHandle, file: string, options: DownloadAttemptOptions, tee?: ChunkSink): Promise<DownloadedBytes> {
  const secrets = [link];
  let position = 0;
  let res: Dispatcher.ResponseData;
  try {
    res = await request(link, {
      method: "GET",
      dispatcher: options.dispatcher,
      headersTimeout: options.headersTimeoutMs,
      bodyTimeout: options.bodyTimeoutMs,
      headers: { accept: "application/zip, application/octet-stream, */*" },
    });
  } catch (err) {
    const code = tlsCode(err);
    if (code) {
      // Retrying cannot help, and a new link would only spend quota.
      throw new EvidenceError("http", `the storage host's TLS certificate is not trusted (${code}); add its CA to NODE_EXTRA_CA_CERTS (read at process start)`, { cause: err, knownSecrets: secrets });
    }
    throw new EvidenceError("transfer", `the storage host could not be reached: ${messageOf(err, secrets)}`, { cause: err, knownSecrets: secrets });
  }
  if (res.statusCode !== 200) {
    await res.body.dump().catch(() => undefined);
    const kind = LINK_REFUSED.has(res.statusCode) ? "linkExpired" : TRANSIENT.has(res.statusCode) ? "transfer" : "http";
    throw new EvidenceError(kind, `the storage host answered HTTP ${res.statusCode}`, { knownSecrets: secrets });
  }
  const contentLength = parseLength(res.headers["content-length"]);
  const hash = createHash("sha256");
  let sizeBytes = 0;
  let batch: Buffer[] = [];
  let batchBytes = 0;
  // One batch is written while the next is received and hashed: the disk and the network overlap,
  // and at most two batches (2 MiB) are held. Batches reach the file and the tee in order.
  let writing: Promise<void> = Promise.resolve();
  const flush = async () => {
    if (batchBytes === 0) return;
    const data = batch.length === 1 ? batch[0] : Buffer.concat(batch, batchBytes);
    batch = [];
    batchBytes = 0;
    const at = position;
    position += data.length;
    await writing; // a failed write surfaces here, with its own kind
    writing = (async () => {
      await writeAll(fh, data, at, file);
      await tee?.write(data);
    })();
    writing.catch(() => undefined); // awaited at the next flush or after the body
  };
  try {
    for await (const chunk of res.body as AsyncIterable<Buffer>) {
      hash.update(chunk);
      sizeBytes += chunk.length;
      batch.push(chunk);
      batchBytes += chunk.length;
      if (batchBytes >= WRITE_BATCH_BYTES) await flush();
    }
  } catch (err) {
    res.body.destroy();
    await writing.catch(() => undefined); // no write may land after the caller truncates or closes the file
    if (err instanceof EvidenceError) throw err;
    throw new EvidenceError("transfer", `the download broke off after ${sizeBytes} bytes: ${messageOf(err, secrets)}`, { cause: err, knownSecrets: secrets });
  }
  await flush();
  await writing;
  if (contentLength !== null && sizeBytes !== contentLength) {
    throw new EvidenceError("transfer", `the download ended after ${sizeBytes} of ${contentLength} bytes`);
  }
  await fh.sync().catch((err: unknown) => {
    throw new EvidenceError("write", `cannot flush ${file} to disk: ${describeFsError(err)}`, { cause: err });
  });
  await tee?.finish();
  return { sha256: hash.digest("hex"), sizeBytes, contentLength };
}

/** `write(2)` may write less than asked; loop until the whole buffer is on its way to disk. */
async function writeAll(fh: FileHandle, data: Buffer, position: number, file: string): Promise<void> {
  let offset = 0;
  while (offset < data.length) {
    try {
      const { bytesWritten } = await fh.write(data, offset, data.length - offset, position + offset);
      offset += bytesWritten;
    } catch (err) {
      throw new EvidenceError("write", `cannot write ${file}: ${describeFsError(err)}`, { cause: err });
    }
  }
}

/** Certificate verification failures, as Node's TLS reports them (possibly wrapped in `cause`). */
const TLS_CODES = /^(UNABLE_TO_VERIFY_LEAF_SIGNATURE|UNABLE_TO_GET_ISSUER_CERT(_LOCALLY)?|SELF_SIGNED_CERT_IN_CHAIN|DEPTH_ZERO_SELF_SIGNED_CERT|CERT_HAS_EXPIRED|CERT_NOT_YET_VALID|ERR_TLS_CERT_ALTNAME_INVALID)$/;

function tlsCode(err: unknown): string | undefined {
  for (let e = err as { code?: unknown; cause?: unknown } | undefined, i = 0; e && i < 4; e = e.cause as typeof e, i++) {
    if (typeof e.code === "string" && TLS_CODES.test(e.code)) return e.code;
  }
  return undefined;
}

function parseLength(value: string | string[] | undefined): number | null {
  const text = Array.isArray(value) ? value[0] : value;
  return text !== undefined && /^\d+$/.test(text) ? Number(text) : null;
}
