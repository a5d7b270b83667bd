/**
 * Keeping one package in a blob container, inside the one-at-a-time fetch queue: reuse a blob
 * already kept, else one streamed pass (download → SHA-256 → staged blocks, plus a local temp
 * copy for the ZIP check), then a create-only commit (`If-None-Match: *`) carrying action id,
 * machine id and SHA-256 as metadata, and the immutability asked for. An existing blob with
 * another hash is reported and left alone. Manifest and DSSE envelope are written beside it,
 * create-only too.
 *
 * The same order of durable steps as a folder (keep.ts): `downloaded` line → marker blob
 * `<base>.partial` → commit → envelope and manifest → `verified` line → marker deleted. A package
 * committed without its manifest (an interrupted keep) is not reused as it is: it is downloaded
 * again, compared, and completed.
 */
import type { KeyObject } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { BlockBlobClient, ContainerClient } from "@azure/storage-blob";
import { envelopeName, packageStatement } from "../attest";
import { signStatement } from "../dsse";
import { EvidenceError } from "../errors";
import type { KeepContext } from "../keep";
import { manifestFor } from "../keep";
import { doneLine, retryLine, reusedLine, startLine } from "../progress";
import { type RetrievedPackage, retrievePackage } from "../retrieve";
import type { EvidenceOutputs, EvidenceSubject } from "../subject";
import { describeBlobError, immutabilityOf, isBlobError } from "./container";
import { BLOB_SCHEME, type BlobDestination, blobName } from "./destination";
import { stageBlocks, type StagedUpload } from "./upload";

export async function keepInBlob(k: KeepContext, outs: EvidenceSubject, d: BlobDestination, container: ContainerClient): Promise<EvidenceOutputs> {
  const base = `${outs.machineId}-${outs.actionId}`;
  const fileName = `${base}.zip`;
  const zip = container.getBlockBlobClient(blobName(d, fileName));
  const url = (file: string) => `${BLOB_SCHEME}${d.account}/${d.container}/${blobName(d, file)}`;
  const outputsFor = (sha256: string, sizeBytes: number): EvidenceOutputs => ({ packagePath: url(fileName), packageSha256: sha256, packageSizeBytes: sizeBytes, manifestPath: url(`${base}.json`) });
  const fail = (what: string) => (err: unknown) => describeBlobError(err, d, what);

  const marker = container.getBlockBlobClient(blobName(d, `${base}.partial`));
  const existing = await metadataOf(zip, fail(`cannot be read (${zip.name})`));
  const manifestKept = existing?.sha256 ? await metadataOf(container.getBlockBlobClient(blobName(d, `${base}.json`)), fail(`cannot be read (${base}.json)`)) : undefined;
  if (existing?.sha256 && manifestKept) {
    await k.custody.append(d.text, "reused", outs, { fileName, sizeBytes: existing.sizeBytes, sha256: existing.sha256, verifiedBy: "blob-metadata" });
    await marker.deleteIfExists().catch(() => undefined);
    k.log(reusedLine(outs.actionId, url(fileName), existing.sha256));
    return outputsFor(existing.sha256, existing.sizeBytes);
  }

  const temp = await mkdtemp(join(tmpdir(), "mde-evidence-blob-"));
  try {
    let staged: StagedUpload | undefined;
    const got = await retrievePackage(outs.actionId, join(temp, `${fileName}.partial`), {
      ...k.o,
      dispatcher: k.o.dispatcher(),
      getPackageUri: (id) => k.o.api.getPackageUri(id),
      secrets: k.secrets,
      tee: (attempt) => (staged = stageBlocks(zip, attempt, fail(`refused a block of ${zip.name}`))),
      onStart: () => k.log(startLine(outs.actionId, url(fileName))),
      onRetry: (info) => k.log(retryLine(outs.actionId, info)),
    });
    await k.custody.append(d.text, "downloaded", outs, { fileName, sizeBytes: got.sizeBytes, sha256: got.sha256, attempts: got.attempts, linkRequests: got.linkRequests }, got.downloadedMs);
    const note = JSON.stringify({ keeping: fileName, sha256: got.sha256, meaning: "being kept, or its writer was interrupted; the next `pulumi up` completes it" });
    await marker.upload(note, Buffer.byteLength(note), { blobHTTPHeaders: { blobContentType: "application/json" } }).catch((err: unknown) => {
      throw fail(`refused ${marker.name}`)(err);
    });
    k.o.onStep("keep:marked");
    const metadata = { actionid: outs.actionId, machineid: outs.machineId, sha256: got.sha256 };
    const verified = () => k.custody.append(d.text, "verified", outs, { fileName, sha256: got.sha256, entries: got.verification.entries, uncompressedBytes: got.verification.uncompressedBytes }, got.endedMs);
    try {
      await zip.commitBlockList(staged!.blockIds, { conditions: { ifNoneMatch: "*" }, metadata, blobHTTPHeaders: { blobContentType: "application/zip" }, ...immutabilityOf(d, k.o.clock.now()) });
    } catch (err) {
      if (!isBlobError(err, 409) && !isBlobError(err, 412)) {
        await marker.deleteIfExists().catch(() => undefined); // nothing was placed
        throw fail(`refused the package ${zip.name}`)(err);
      }
      const settled = await settleExisting(k, outs, d, container, zip, got, url(fileName), outputsFor, verified);
      await marker.deleteIfExists().catch(() => undefined);
      return settled;
    }
    k.o.onStep("keep:placed");
    await writeBesides(k, d, container, base, manifestFor(k, outs, { fileName }, got), k.key);
    k.o.onStep("keep:manifest-written");
    await verified();
    await marker.deleteIfExists().catch(() => undefined);
    k.o.onStep("keep:unmarked");
    k.log(doneLine(outs.actionId, { sizeBytes: got.sizeBytes, transferMs: got.downloadedMs - got.lastAttemptStartedMs, sha256: got.sha256, entries: got.verification.entries, attempts: got.attempts }));
    return outputsFor(got.sha256, got.sizeBytes);
  } finally {
    await rm(temp, { recursive: true, force: true });
  }
}

async function metadataOf(blob: BlockBlobClient, describe: (err: unknown) => EvidenceError): Promise<{ sha256?: string; sizeBytes: number } | undefined> {
  try {
    const p = await blob.getProperties();
    return { sha256: p.metadata?.sha256, sizeBytes: p.contentLength ?? 0 };
  } catch (err) {
    if (isBlobError(err, 404)) return undefined;
    throw describe(err);
  }
}

/** Someone committed the package first (another stack): keep theirs if it is the same package, else report it. */
async function settleExisting(
  k: KeepContext,
  outs: EvidenceSubject,
  d: BlobDestination,
  container: ContainerClient,
  zip: BlockBlobClient,
  got: RetrievedPackage,
  where: string,
  outputsFor: (sha256: string, size: number) => EvidenceOutputs,
  verified: () => Promise<unknown>,
): Promise<EvidenceOutputs> {
  const existing = await metadataOf(zip, (err) => describeBlobError(err, d, `cannot be read (${zip.name})`));
  if (existing?.sha256 !== got.sha256) {
    throw new EvidenceError(
      "conflict",
      `${where} already exists with SHA-256 ${existing?.sha256 ?? "(none recorded)"}, but MDE's package has SHA-256 ${got.sha256}. It was left untouched; keep it (it may be evidence) and choose another prefix`,
    );
  }
  const base = zip.name.split("/").pop()!.replace(/\.zip$/, "");
  await writeBesides(k, d, container, base, manifestFor(k, outs, { fileName: `${base}.zip` }, got), k.key);
  await verified();
  await k.custody.append(d.text, "reused", outs, { fileName: `${base}.zip`, sizeBytes: got.sizeBytes, sha256: got.sha256, verifiedBy: "download" });
  k.log(reusedLine(outs.actionId, where, got.sha256));
  return outputsFor(got.sha256, got.sizeBytes);
}

/** Envelope first, then the manifest: a manifest that says "signed" always has its envelope. Create-only. */
async function writeBesides(k: KeepContext, d: BlobDestination, container: ContainerClient, base: string, manifest: { fileName: string; sha256: string }, key: KeyObject | undefined): Promise<void> {
  const files: Array<[string, string]> = [];
  if (key) files.push([envelopeName(manifest.fileName), `${JSON.stringify(signStatement(packageStatement(manifest), key), null, 2)}\n`]);
  files.push([`${base}.json`, `${JSON.stringify(manifest, null, 2)}\n`]);
  for (const [file, text] of files) {
    const blob = container.getBlockBlobClient(blobName(d, file));
    try {
      await blob.upload(text, Buffer.byteLength(text), { conditions: { ifNoneMatch: "*" }, blobHTTPHeaders: { blobContentType: "application/json" }, ...immutabilityOf(d, k.o.clock.now()) });
    } catch (err) {
      if (!isBlobError(err, 409)) throw describeBlobError(err, d, `refused ${blob.name}`);
      // Already there (an earlier run, another stack): create-only means it is left as it is.
    }
  }
}
