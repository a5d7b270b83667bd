/**
 * Keeping one package in one evidence folder: the work that runs inside the one-at-a-time fetch
 * queue, so that "is it kept already?" and "fetch it" can never interleave with another fetch of
 * the same package.
 *
 * A final-named file is only ever complete and verified: bytes go to a `.partial` file that this
 * writer alone created (O_EXCL, a name unique to the writer), are verified, and only then get the
 * final name through a link that fails rather than replace an existing file. A package another
 * folder already holds is copied from there (hash and ZIP checked again) instead of downloaded.
 *
 * The order of the durable steps, so that a writer killed at any point leaves a folder that
 * verifies or is visibly incomplete (kill-point tests: killPoints.e2e.test.ts):
 * `downloaded` line → marker `<base>.partial` → package placed → envelope and manifest →
 * `verified` line → marker removed. While the marker exists, the package, manifest and log may
 * disagree, and the marker says why; `verified` is recorded only when the package has its final
 * name and its manifest is written. The next run completes an interrupted keep (reuse or settle).
 */
import { type KeyObject, randomBytes } from "node:crypto";
import { constants } from "node:fs";
import { copyFile } from "node:fs/promises";
import { join } from "node:path";
import { HOST_TAG } from "./keepMarker";
import { signatureNote, writePackageEnvelope } from "./attest";
import type { CustodyLog } from "./custodyLog";
import { EvidenceError, messageOf } from "./errors";
import { exists, FinalNameTakenError, hashFile, placeWithoutOverwrite, removeQuietly } from "./files";
import { refuseUnsafeNames, removeDeadPartials, removeMarker, writeMarker } from "./keepMarker";
import { MANIFEST_SCHEMA, type PackageManifest, readRecordedPackage, writeManifest } from "./manifest";
import type { ResolvedEvidenceOptions } from "./options";
import { doneLine, retryLine, reusedLine, startLine } from "./progress";
import { type RetrievedPackage, retrievePackage } from "./retrieve";
import type { EvidenceOutputs, EvidenceSubject } from "./subject";
import { verifyZip } from "./verifyZip";

export interface Names {
  dir: string;
  fileName: string;
  zip: string;
  manifest: string;
}

export interface KeepContext {
  o: ResolvedEvidenceOptions;
  /** Signs the package's manifest when set. */
  key?: KeyObject;
  custody: CustodyLog;
  log(line: string): void;
  /** Links issued for this fetch are added here, so everything printed is redacted against them. */
  secrets: Set<string>;
}

/** A partial name no other writer uses: the final name plus host, pid and random, hidden from `ls`. */
export function partialName(names: Names): string {
  return join(names.dir, `.${names.fileName}.${HOST_TAG}.${process.pid}-${randomBytes(4).toString("hex")}.partial`);
}

/**
 * Keeps the package of `outs` under `names`: reuses a recorded one, else copies it from
 * `copyFrom` (a verified file in another folder) or fetches it from MDE.
 */
export async function keepPackage(k: KeepContext, outs: EvidenceSubject, names: Names, copyFrom?: string): Promise<EvidenceOutputs> {
  await refuseUnsafeNames(names);
  const kept = await reuseRecorded(k, outs, names);
  if (kept) return kept;
  await removeDeadPartials(names);
  const partial = partialName(names);
  let placed = false;
  try {
    const got = copyFrom ? await copyVerified(k, copyFrom, partial) : await retrieve(k, outs, names, partial);
    if (!copyFrom) {
      await k.custody.append(names.dir, "downloaded", outs, { fileName: names.fileName, sizeBytes: got.sizeBytes, sha256: got.sha256, attempts: got.attempts, linkRequests: got.linkRequests }, got.downloadedMs);
    }
    await writeMarker(names, got.sha256, got.sizeBytes);
    k.o.onStep("keep:marked");
    try {
      await placeWithoutOverwrite(partial, names.zip);
      placed = true;
      k.o.onStep("keep:placed");
    } catch (err) {
      if (!(err instanceof FinalNameTakenError)) throw new EvidenceError("write", `cannot move the package to ${names.zip}: ${messageOf(err)}`, { cause: err });
      return await settleExisting(k, outs, names, got, partial);
    }
    await writeSigned(k, names, manifestFor(k, outs, names, got));
    k.o.onStep("keep:manifest-written");
    await k.custody.append(names.dir, "verified", outs, { fileName: names.fileName, sha256: got.sha256, entries: got.verification.entries, uncompressedBytes: got.verification.uncompressedBytes, copiedFrom: copyFrom ?? null }, got.endedMs);
    await removeMarker(names);
    k.o.onStep("keep:unmarked");
    k.log(doneLine(outs.actionId, { sizeBytes: got.sizeBytes, transferMs: got.downloadedMs - got.lastAttemptStartedMs, sha256: got.sha256, entries: got.verification.entries, attempts: got.attempts }));
    return evidenceOutputs(names, got.sha256, got.sizeBytes);
  } catch (err) {
    // Not placed: the folder is as it was, so the marker would claim a keep that is not under way.
    // Placed: the marker stays, truthfully, until the next run completes the keep.
    if (!placed) await removeMarker(names);
    throw err;
  } finally {
    await removeQuietly(partial);
  }
}

function retrieve(k: KeepContext, outs: EvidenceSubject, names: Names, partial: string): Promise<RetrievedPackage> {
  return retrievePackage(outs.actionId, partial, {
    ...k.o,
    dispatcher: k.o.dispatcher(),
    getPackageUri: (id) => k.o.api.getPackageUri(id),
    openPartial: k.o.openPartial,
    secrets: k.secrets,
    onStart: () => k.log(startLine(outs.actionId, names.zip)),
    onRetry: (info) => k.log(retryLine(outs.actionId, info)),
  });
}

/** The package kept in another folder, copied exclusively and checked again (hash, ZIP). */
async function copyVerified(k: KeepContext, from: string, partial: string): Promise<RetrievedPackage> {
  const startedMs = k.o.clock.now();
  await copyFile(from, partial, constants.COPYFILE_EXCL).catch((err: unknown) => {
    throw new EvidenceError("write", `cannot copy ${from} to ${partial}: ${messageOf(err)}`, { cause: err });
  });
  const { sha256, sizeBytes } = await hashFile(partial);
  const verification = await verifyZip(partial);
  const endedMs = k.o.clock.now();
  return { sha256, sizeBytes, contentLength: sizeBytes, verification, startedMs, downloadedMs: endedMs, endedMs, lastAttemptStartedMs: startedMs, attempts: 0, linkRequests: 0 };
}

/** A final file with a manifest from an earlier run: reuse it if its bytes still hash to what was recorded. */
async function reuseRecorded(k: KeepContext, outs: EvidenceSubject, names: Names): Promise<EvidenceOutputs | undefined> {
  if (!(await exists(names.zip))) return undefined;
  const recorded = await readRecordedPackage(names.manifest, outs);
  if (!recorded) return undefined; // no usable manifest: download and compare (settleExisting)
  const actual = await hashFile(names.zip);
  if (actual.sha256 !== recorded.sha256) {
    throw conflict(names.zip, actual.sha256, recorded.sha256, `the manifest ${names.manifest} recorded`);
  }
  await k.custody.append(names.dir, "reused", outs, { fileName: names.fileName, sizeBytes: actual.sizeBytes, sha256: actual.sha256, verifiedBy: "manifest" });
  await removeMarker(names); // an interrupted keep of this package, now complete
  k.log(reusedLine(outs.actionId, names.zip, actual.sha256));
  return evidenceOutputs(names, actual.sha256, actual.sizeBytes);
}

/** The final name was taken (no manifest, or another run): keep the file if it is the same package, else fail. */
async function settleExisting(k: KeepContext, outs: EvidenceSubject, names: Names, got: RetrievedPackage, partial: string): Promise<EvidenceOutputs> {
  await removeQuietly(partial);
  const actual = await hashFile(names.zip);
  if (actual.sha256 !== got.sha256) throw conflict(names.zip, actual.sha256, got.sha256, "MDE's package has");
  if (!(await readRecordedPackage(names.manifest, outs))) await writeSigned(k, names, manifestFor(k, outs, names, got));
  await k.custody.append(names.dir, "verified", outs, { fileName: names.fileName, sha256: got.sha256, entries: got.verification.entries, uncompressedBytes: got.verification.uncompressedBytes, copiedFrom: null }, got.endedMs);
  await k.custody.append(names.dir, "reused", outs, { fileName: names.fileName, sizeBytes: actual.sizeBytes, sha256: actual.sha256, verifiedBy: "download" });
  await removeMarker(names);
  k.log(reusedLine(outs.actionId, names.zip, actual.sha256));
  return evidenceOutputs(names, actual.sha256, actual.sizeBytes);
}

/** The manifest, and (with a key) its DSSE envelope first: a manifest that says "signed" always has one. */
async function writeSigned(k: KeepContext, names: Names, manifest: PackageManifest): Promise<void> {
  if (k.key) await writePackageEnvelope(names.dir, manifest, k.key);
  await writeManifest(names.manifest, manifest);
}

export function manifestFor(k: KeepContext, outs: EvidenceSubject, names: Pick<Names, "fileName">, got: RetrievedPackage, key = k.key): PackageManifest {
  const iso = (ms: number) => new Date(ms).toISOString();
  return {
    schema: MANIFEST_SCHEMA,
    actionId: outs.actionId,
    machineId: outs.machineId,
    computerDnsName: outs.computerDnsName ?? null,
    requestor: outs.requestor ?? null,
    requestorComment: outs.requestorComment ?? outs.comment ?? null,
    creationDateTimeUtc: outs.creationDateTimeUtc,
    completionDateTimeUtc: outs.lastUpdateDateTimeUtc ?? null,
    adopted: outs.adopted,
    apiOrigin: k.o.apiOrigin,
    tenantId: k.o.tenantId,
    fileName: names.fileName,
    sizeBytes: got.sizeBytes,
    sha256: got.sha256,
    downloadStartedUtc: iso(got.startedMs),
    downloadEndedUtc: iso(got.downloadedMs),
    verification: { method: "zip-central-directory+crc32", ...got.verification, verifiedUtc: iso(got.endedMs) },
    tool: { name: k.o.toolName, version: k.o.toolVersion },
    operator: k.custody.operatorName,
    signature: signatureNote(key, names.fileName),
  };
}

function conflict(path: string, actual: string, expected: string, expectedWhat: string): EvidenceError {
  return new EvidenceError(
    "conflict",
    `${path} already exists with SHA-256 ${actual}, but ${expectedWhat} SHA-256 ${expected}. ` +
      "It was left untouched; move it aside (keep it: it may be evidence) and run `pulumi up` again",
  );
}

export function evidenceOutputs(names: Names, sha256: string, sizeBytes: number): EvidenceOutputs {
  return { packagePath: names.zip, packageSha256: sha256, packageSizeBytes: sizeBytes, manifestPath: names.manifest };
}
