/**
 * The resource's evidence handler: checks the folder before a collection, records custody
 * events, and after `Succeeded` fetches, verifies and keeps the package.
 *
 * The package lands as `<machineId>-<actionId>.zip` (mode 0600) with a manifest
 * `<machineId>-<actionId>.json` beside it and a line per event in `custody.jsonl`. A final-named
 * file is only ever complete and verified: bytes go to `.partial` first and are renamed after the
 * ZIP check, and an existing final file is never replaced, because silently overwriting evidence
 * is worse than failing. The download link is a credential: it is held in memory for the
 * shortest time, and redacted from every log line, custody line and error.
 */
import { mkdir } from "node:fs/promises";
import { join, resolve } from "node:path";
import type { EvidenceHandler } from "../resource/context";
import type { CollectionOutputs, EvidenceOutputs } from "../resource/outputs";
import { redact } from "../util/redact";
import { CustodyLog } from "./custodyLog";
import { EvidenceError, isEvidenceError, messageOf } from "./errors";
import { exists, FinalNameTakenError, hashFile, placeWithoutOverwrite, removeQuietly } from "./files";
import { MANIFEST_SCHEMA, type PackageManifest, readRecordedPackage, writeManifest } from "./manifest";
import { type EvidenceHandlerOptions, resolveEvidenceOptions } from "./options";
import { preflightDirectory } from "./preflight";
import { doneLine, retryLine, reusedLine, startLine } from "./progress";
import { type RetrievedPackage, retrievePackage } from "./retrieve";

/** Ids become file names: only characters that cannot climb out of the folder or confuse a shell. */
const SAFE_ID = /^[A-Za-z0-9][A-Za-z0-9_-]*$/;

export function createEvidenceHandler(options: EvidenceHandlerOptions): EvidenceHandler {
  const o = resolveEvidenceOptions(options);
  const tool = `${o.toolName}@${o.toolVersion}`;
  /** The links of fetches under way (one set per fetch); every text that leaves is redacted against them. */
  const active = new Set<Set<string>>();
  const liveLinks = () => [...active].flatMap((s) => [...s]);
  const custody = new CustodyLog({ clock: o.clock, tool, operator: o.operator, knownSecrets: liveLinks });
  const log = (line: string) => o.log(redact(line, liveLinks()));

  async function fetch(outputs: CollectionOutputs, { adopted }: { adopted: boolean }): Promise<EvidenceOutputs> {
    const outs: CollectionOutputs = { ...outputs, adopted };
    const names = fileNames(outs);
    const secrets = new Set<string>();
    active.add(secrets);
    try {
      // Again here: `update` may point an existing collection at a new folder without a create.
      await preflightDirectory(names.dir);
      await custody.append(names.dir, "succeeded", outs);
      const kept = await reuseRecorded(outs, names);
      if (kept) return kept;
      const got = await o.queue.run(() =>
        retrievePackage(outs.actionId, names.partial, {
          ...o,
          dispatcher: o.dispatcher(),
          getPackageUri: (id) => o.api.getPackageUri(id),
          secrets,
          onStart: () => log(startLine(outs.actionId, names.zip)),
          onRetry: (info) => log(retryLine(outs.actionId, info)),
        }),
      );
      await custody.append(names.dir, "downloaded", outs, { fileName: names.fileName, sizeBytes: got.sizeBytes, sha256: got.sha256, attempts: got.attempts, linkRequests: got.linkRequests }, got.downloadedMs);
      await custody.append(names.dir, "verified", outs, { fileName: names.fileName, sha256: got.sha256, entries: got.verification.entries, uncompressedBytes: got.verification.uncompressedBytes }, got.endedMs);
      try {
        await placeWithoutOverwrite(names.partial, names.zip);
      } catch (err) {
        if (!(err instanceof FinalNameTakenError)) throw new EvidenceError("write", `cannot move the package to ${names.zip}: ${messageOf(err)}`, { cause: err });
        return await settleExisting(outs, names, got);
      }
      await writeManifest(names.manifest, manifestFor(outs, names, got));
      log(doneLine(outs.actionId, { sizeBytes: got.sizeBytes, transferMs: got.downloadedMs - got.lastAttemptStartedMs, sha256: got.sha256, entries: got.verification.entries, attempts: got.attempts }));
      return evidenceOutputs(names, got.sha256, got.sizeBytes);
    } catch (err) {
      await removeQuietly(names.partial);
      const known = liveLinks();
      const message = messageOf(err, known);
      await custody.append(names.dir, "failed", outs, { stage: "evidence", error: message }).catch(() => undefined);
      throw new EvidenceError(isEvidenceError(err) ? err.kind : "write", message, { cause: err, knownSecrets: known });
    } finally {
      active.delete(secrets);
    }
  }

  /** A final file with a manifest from an earlier run: reuse it if its bytes still hash to what was recorded. */
  async function reuseRecorded(outs: CollectionOutputs, names: Names): Promise<EvidenceOutputs | undefined> {
    if (!(await exists(names.zip))) return undefined;
    const recorded = await readRecordedPackage(names.manifest, outs);
    if (!recorded) return undefined; // no usable manifest: download and compare (settleExisting)
    const actual = await hashFile(names.zip);
    if (actual.sha256 !== recorded.sha256) {
      throw conflict(names.zip, actual.sha256, recorded.sha256, `the manifest ${names.manifest} recorded`);
    }
    await custody.append(names.dir, "reused", outs, { fileName: names.fileName, sizeBytes: actual.sizeBytes, sha256: actual.sha256, verifiedBy: "manifest" });
    log(reusedLine(outs.actionId, names.zip, actual.sha256));
    return evidenceOutputs(names, actual.sha256, actual.sizeBytes);
  }

  /** The final name was taken (no manifest, or a race): keep the file if it is the same package, else fail. */
  async function settleExisting(outs: CollectionOutputs, names: Names, got: RetrievedPackage): Promise<EvidenceOutputs> {
    await removeQuietly(names.partial);
    const actual = await hashFile(names.zip);
    if (actual.sha256 !== got.sha256) throw conflict(names.zip, actual.sha256, got.sha256, "MDE's package has");
    if (!(await readRecordedPackage(names.manifest, outs))) await writeManifest(names.manifest, manifestFor(outs, names, got));
    await custody.append(names.dir, "reused", outs, { fileName: names.fileName, sizeBytes: actual.sizeBytes, sha256: actual.sha256, verifiedBy: "download" });
    log(reusedLine(outs.actionId, names.zip, actual.sha256));
    return evidenceOutputs(names, actual.sha256, actual.sizeBytes);
  }

  function manifestFor(outs: CollectionOutputs, names: Names, got: RetrievedPackage): PackageManifest {
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
      apiOrigin: o.apiOrigin,
      tenantId: o.tenantId,
      fileName: names.fileName,
      sizeBytes: got.sizeBytes,
      sha256: got.sha256,
      downloadStartedUtc: iso(got.startedMs),
      downloadEndedUtc: iso(got.downloadedMs),
      verification: { method: "zip-central-directory+crc32", ...got.verification, verifiedUtc: iso(got.endedMs) },
      tool: { name: o.toolName, version: o.toolVersion },
      operator: custody.operatorName,
    };
  }

  return {
    async preflight(directory: string): Promise<void> {
      await preflightDirectory(directory);
    },
    fetch,
    async record(directory: string, event: string, outputs: Partial<CollectionOutputs>, extra?: Record<string, string | number | boolean | null>): Promise<void> {
      await mkdir(resolve(directory), { recursive: true, mode: 0o700 }).catch(() => undefined); // append reports what is wrong
      await custody.append(directory, event, outputs, extra);
    },
  };
}

interface Names {
  dir: string;
  fileName: string;
  zip: string;
  partial: string;
  manifest: string;
}

function fileNames(outs: CollectionOutputs): Names {
  if (outs.status !== "Succeeded") {
    throw new EvidenceError("state", `collection ${outs.actionId} is ${outs.status}; its package is fetched only after it Succeeded`);
  }
  if (!outs.evidenceDirectory) throw new EvidenceError("state", `collection ${outs.actionId} has no evidenceDirectory`);
  for (const [what, id] of [["action id", outs.actionId], ["machine id", outs.machineId]] as const) {
    if (typeof id !== "string" || !SAFE_ID.test(id)) throw new EvidenceError("state", `the ${what} ${JSON.stringify(id)} cannot be part of a file name`);
  }
  const dir = resolve(outs.evidenceDirectory);
  const base = `${outs.machineId}-${outs.actionId}`;
  const fileName = `${base}.zip`;
  return { dir, fileName, zip: join(dir, fileName), partial: join(dir, `${fileName}.partial`), manifest: join(dir, `${base}.json`) };
}

function conflict(path: string, actual: string, expected: string, expectedWhat: string): EvidenceError {
  return new EvidenceError(
    "conflict",
    `${path} already exists with SHA-256 ${actual}, but ${expectedWhat} SHA-256 ${expected}. ` +
      "It was left untouched; move it aside (keep it: it may be evidence) and run `pulumi up` again",
  );
}

function evidenceOutputs(names: Names, sha256: string, sizeBytes: number): EvidenceOutputs {
  return { packagePath: names.zip, packageSha256: sha256, packageSizeBytes: sizeBytes, manifestPath: names.manifest };
}
