/**
 * The resource's evidence handler: checks the folder before a collection, records custody
 * events, and after `Succeeded` fetches, verifies and keeps the package (keep.ts).
 *
 * The package lands as `<machineId>-<actionId>.zip` (mode 0600) with a manifest
 * `<machineId>-<actionId>.json` beside it and a line per event in `custody.jsonl`. Fetches are
 * deduplicated by action: resources that share one MDE collection (two resources on one device)
 * get one GetPackageUri call, one download and one verification, and each records its own
 * `claimed` custody line. The download link is a credential: it is held in memory for the
 * shortest time, and redacted from every log line, custody line and error.
 */
import type { KeyObject } from "node:crypto";
import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import { redact } from "../util/redact";
import { headEnvelopeText } from "./attest";
import { isBlobDestination } from "./blob/destination";
import { keepInBlob } from "./blob/keep";
import { blobStores } from "./blob/store";
import { CustodyLog, type DetailValue } from "./custodyLog";
import { EvidenceError, isEvidenceError, messageOf } from "./errors";
import { exists } from "./files";
import { keepPackage, type Names } from "./keep";
import { type EvidenceHandlerOptions, resolveEvidenceOptions } from "./options";
import { preflightDirectory } from "./preflight";
import { resolveEvidencePath } from "./projectPath";
import { loadSigningKey } from "./signingKey";
import type { EvidenceHandler, EvidenceOutputs, EvidenceSubject } from "./subject";

/** Ids become file names: only characters that cannot climb out of the folder or confuse a shell. */
const SAFE_ID = /^[A-Za-z0-9][A-Za-z0-9_-]*$/;

export function createEvidenceHandler(options: EvidenceHandlerOptions): EvidenceHandler {
  const o = resolveEvidenceOptions(options);
  const tool = `${o.toolName}@${o.toolVersion}`;
  /** The links of fetches under way (one set per fetch); every text that leaves is redacted against them. */
  const active = new Set<Set<string>>();
  const liveLinks = () => [...active].flatMap((s) => [...s]);
  const blob = blobStores(o.blobCredential);
  /** Where this process last kept each action's package in a folder: the source for a copy into another folder. */
  const keptHere = new Map<string, string>();
  /** Loaded at the first pre-flight (or use), so a bad key fails before anything is collected. */
  let key: KeyObject | undefined;
  const signingKey = () => (o.signingKey ? (key ??= loadSigningKey(o.signingKey)) : undefined);
  const custody = new CustodyLog({
    clock: o.clock,
    tool,
    operator: o.operator,
    knownSecrets: liveLinks,
    appenderFor: (location) => (isBlobDestination(location) ? blob(location).appender : undefined),
    headFor: (_location, head, line) => {
      const k = signingKey();
      return k ? headEnvelopeText(head, line, k) : undefined;
    },
    onStep: o.onStep,
  });
  const log = (line: string) => o.log(redact(line, liveLinks()));

  /** Runs `job` in the queue, once per key while it runs, with its own set of live links. */
  function queued(key: string, job: (secrets: Set<string>) => Promise<EvidenceOutputs>) {
    return o.queue.shared(key, async () => {
      const secrets = new Set<string>();
      active.add(secrets);
      try {
        return await job(secrets);
      } finally {
        active.delete(secrets);
      }
    });
  }

  async function fetch(subject: EvidenceSubject, { adopted }: { adopted: boolean }): Promise<EvidenceOutputs> {
    const outs: EvidenceSubject = { ...subject, adopted };
    if (outs.evidenceDirectory && isBlobDestination(outs.evidenceDirectory)) return fetchToBlob(outs);
    const names = fileNames(outs);
    try {
      // Again here: `update` may point an existing collection at a new folder without a create.
      await preflightDirectory(names.dir);
      await custody.append(names.dir, "succeeded", outs);
      // The "already kept?" check runs inside the queue (keepPackage), never beside it: two
      // resources of one collection must not both find the package missing and both write it.
      const keep = (copyFrom?: string) => (secrets: Set<string>) => keepPackage({ o, key: signingKey(), custody, log, secrets }, outs, names, copyFrom);
      const earlier = keptHere.get(outs.actionId);
      const first = earlier && earlier !== names.zip && (await exists(earlier)) ? undefined : await queued(outs.actionId, keep());
      let kept = first?.value;
      const source = kept?.packagePath ?? earlier;
      if (!kept || (first?.joined && kept.packagePath !== names.zip)) {
        // Kept in another folder by another resource of this run: copy from there, no second download.
        kept = (await queued(`${outs.actionId}\n${names.dir}`, keep(source))).value;
      }
      keptHere.set(outs.actionId, kept.packagePath);
      await custody.append(names.dir, "claimed", outs, claimDetails(outs, names.fileName, kept, first?.joined ?? true));
      return kept;
    } catch (err) {
      const known = liveLinks();
      const message = messageOf(err, known);
      await custody.append(names.dir, "failed", outs, { stage: "evidence", error: message }).catch(() => undefined);
      throw new EvidenceError(isEvidenceError(err) ? err.kind : "write", message, { cause: err, knownSecrets: known });
    }
  }

  /** The same steps for a blob destination; resources sharing a collection and a destination share one fetch. */
  async function fetchToBlob(outs: EvidenceSubject): Promise<EvidenceOutputs> {
    checkIds(outs);
    const store = blob(outs.evidenceDirectory!);
    const where = store.d.text;
    try {
      await store.preflight();
      await custody.append(where, "succeeded", outs);
      const kept = await queued(`${outs.actionId}\n${where}`, (secrets) => keepInBlob({ o, key: signingKey(), custody, log, secrets }, outs, store.d, store.container));
      const fileName = `${outs.machineId}-${outs.actionId}.zip`;
      await custody.append(where, "claimed", outs, claimDetails(outs, fileName, kept.value, kept.joined));
      return kept.value;
    } catch (err) {
      const known = liveLinks();
      const message = messageOf(err, known);
      await custody.append(where, "failed", outs, { stage: "evidence", error: message }).catch(() => undefined);
      throw new EvidenceError(isEvidenceError(err) ? err.kind : "write", message, { cause: err, knownSecrets: known });
    }
  }

  return {
    async preflight(directory: string): Promise<void> {
      signingKey();
      if (isBlobDestination(directory)) await blob(directory).preflight();
      else await preflightDirectory(resolveEvidencePath(directory));
    },
    fetch,
    async record(directory: string, event: string, subject: Partial<EvidenceSubject>, extra?: Record<string, DetailValue | undefined>): Promise<void> {
      if (isBlobDestination(directory)) {
        await custody.append(blob(directory).d.text, event, subject, extra);
        return;
      }
      const dir = resolveEvidencePath(directory);
      await mkdir(dir, { recursive: true, mode: 0o700 }).catch(() => undefined); // append reports what is wrong
      await custody.append(dir, event, subject, extra);
    },
  };
}

/** What one resource's claim on a kept package records: which package, and which intent asked for it. */
function claimDetails(outs: EvidenceSubject, fileName: string, kept: EvidenceOutputs, shared: boolean): Record<string, DetailValue> {
  return {
    fileName,
    sha256: kept.packageSha256,
    sizeBytes: kept.packageSizeBytes,
    comment: outs.comment ?? null,
    triggers: JSON.stringify(outs.triggers ?? {}),
    sharedFetch: shared,
  };
}

function checkIds(outs: EvidenceSubject): void {
  if (outs.status !== "Succeeded") {
    throw new EvidenceError("state", `collection ${outs.actionId} is ${outs.status}; its package is fetched only after it Succeeded`);
  }
  for (const [what, id] of [["action id", outs.actionId], ["machine id", outs.machineId]] as const) {
    if (typeof id !== "string" || !SAFE_ID.test(id)) throw new EvidenceError("state", `the ${what} ${JSON.stringify(id)} cannot be part of a file name`);
  }
}

function fileNames(outs: EvidenceSubject): Names {
  if (outs.status !== "Succeeded") {
    throw new EvidenceError("state", `collection ${outs.actionId} is ${outs.status}; its package is fetched only after it Succeeded`);
  }
  if (!outs.evidenceDirectory) throw new EvidenceError("state", `collection ${outs.actionId} has no evidenceDirectory`);
  checkIds(outs);
  const dir = resolveEvidencePath(outs.evidenceDirectory);
  const base = `${outs.machineId}-${outs.actionId}`;
  const fileName = `${base}.zip`;
  return { dir, fileName, zip: join(dir, fileName), manifest: join(dir, `${base}.json`) };
}
