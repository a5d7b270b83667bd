/**
 * The resource's evidence handler: checks the folder before a collection, records custody
 * events, and after `Succeeded` fetches, verifies and keeps the package (keep.ts).
 *
 * The package lands as `<machineId>-<actionId>.zip` (mode 0600) with a manifest
 * `<machineId>-<actionId>.json` beside it and a line per event in `custody.jsonl`, in a folder or
 * a blob container: the location's {@link EvidenceStore} (store.ts), chosen once per location. Fetches are
 * deduplicated by action: resources that share one MDE collection (two resources on one device)
 * get one GetPackageUri call, one download and one verification, and each records its own
 * `claimed` custody line. The download link is a credential: it is held in memory for the
 * shortest time, and redacted from every log line, custody line and error.
 */
import type { KeyObject } from "node:crypto";
import { redact } from "../util/redact";
import { headEnvelopeText } from "./attest";
import { type CustodyLine, CustodyLog, type DetailValue } from "./custodyLog";
import { EvidenceError, isEvidenceError, messageOf } from "./errors";
import { checkFetchable } from "./folderStore";
import { type EvidenceHandlerOptions, resolveEvidenceOptions } from "./options";
import { loadSigningKey } from "./signingKey";
import type { EvidenceStore } from "./store";
import { evidenceStores } from "./stores";
import type { EvidenceHandler, EvidenceOutputs, EvidenceSubject } from "./subject";
import { stampHead } from "./timestamp/stampHead";

export function createEvidenceHandler(options: EvidenceHandlerOptions): EvidenceHandler {
  const o = resolveEvidenceOptions(options);
  const tool = `${o.toolName}@${o.toolVersion}`;
  /** The links of fetches under way (one set per fetch); every text that leaves is redacted against them. */
  const active = new Set<Set<string>>();
  const liveLinks = () => [...active].flatMap((s) => [...s]);
  const storeFor = evidenceStores(o.blobCredential);
  /** Loaded at the first pre-flight (or use), so a bad key fails before anything is collected. */
  let key: KeyObject | undefined;
  const signingKey = () => (o.signingKey ? (key ??= loadSigningKey(o.signingKey)) : undefined);
  const custody = new CustodyLog({
    clock: o.clock,
    tool,
    operator: o.operator,
    knownSecrets: liveLinks,
    appenderFor: (location) => storeFor(location).appender,
    headFor: async (_location, head) => {
      const k = signingKey();
      return k ? headEnvelopeText(await head(), k) : undefined;
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
    checkFetchable(outs);
    if (!outs.evidenceDirectory) throw new EvidenceError("state", `collection ${outs.actionId} has no evidenceDirectory`);
    const store = storeFor(outs.evidenceDirectory);
    try {
      // Again here: `update` may point an existing collection at a new location without a create.
      await store.preflight();
      await custody.append(store.location, "succeeded", outs);
      const kept = await store.keep(outs, { o, key: signingKey(), custody, log }, queued);
      const manifestSha256 = await store.manifestSha256(outs);
      const claimed = await custody.append(store.location, "claimed", outs, claimDetails(outs, store.fileName(outs), kept.value, kept.joined, manifestSha256));
      await timestamp(store, claimed, outs);
      return kept.value;
    } catch (err) {
      const known = liveLinks();
      const message = messageOf(err, known);
      await custody.append(store.location, "failed", outs, { stage: "evidence", error: message }).catch(() => undefined);
      throw new EvidenceError(isEvidenceError(err) ? err.kind : "write", message, { cause: err, knownSecrets: known });
    }
  }

  /**
   * Opt-in trusted time: stamps the log through the `claimed` line (timestamp/stampHead.ts). The
   * package is kept whatever the TSA does, so a failure is logged and recorded, not thrown.
   */
  async function timestamp(store: EvidenceStore, line: CustodyLine, outs: EvidenceSubject): Promise<void> {
    if (!o.timestamp) return;
    const location = store.location;
    try {
      const stamp = await stampHead(o.timestamp, await store.readLog(), line, location);
      await store.putToken(stamp.name, stamp.tsr);
      log(`evidence ${outs.actionId}: custody.jsonl through line ${stamp.lineCount} time-stamped at ${stamp.info.genTime} by ${stamp.info.tsa} (${stamp.name})`);
    } catch (err) {
      const message = messageOf(err, liveLinks());
      log(`evidence ${outs.actionId}: trusted time failed, the package is kept without it: ${message}`);
      await custody.append(location, "failed", outs, { stage: "timestamp", error: message }).catch(() => undefined);
    }
  }

  return {
    async preflight(location: string): Promise<void> {
      signingKey();
      await storeFor(location).preflight();
    },
    fetch,
    async record(location: string, event: string, subject: Partial<EvidenceSubject>, extra?: Record<string, DetailValue | undefined>): Promise<void> {
      const store: EvidenceStore = storeFor(location);
      await store.prepare();
      await custody.append(store.location, event, subject, extra);
    },
  };
}

/** What one resource's claim on a kept package records: which package, and which intent asked for it. */
function claimDetails(outs: EvidenceSubject, fileName: string, kept: EvidenceOutputs, shared: boolean, manifestSha256: string): Record<string, DetailValue> {
  return {
    fileName,
    sha256: kept.packageSha256,
    manifestSha256,
    sizeBytes: kept.packageSizeBytes,
    comment: outs.comment ?? null,
    triggers: JSON.stringify(outs.triggers ?? {}),
    sharedFetch: shared,
  };
}
