/**
 * Gets one package onto disk, verified, despite the faults a short-lived storage link meets:
 * dropped connections and short bodies are retried with the same link while it is valid; a link
 * the storage host refuses (403/404) or that has outlived its lifetime is replaced by asking
 * GetPackageUri again. Both are bounded, because each new link costs one of only 2 calls a minute
 * (120 an hour) and every attempt moves the whole package again.
 *
 * GetPackageUri is called here and nowhere else, exactly once per link, never in a poll loop:
 * a 404 from it means the action is not complete, which the caller promised it is, so it is an
 * error rather than something to wait for (mde-api.md §5).
 */
import type { FileHandle } from "node:fs/promises";
import type { Dispatcher } from "undici";
import { isMdeErrorOfKind } from "../api/errors";
import type { Clock } from "../util/clock";
import { type ChunkSink, checkLink, downloadOnce, type DownloadedBytes, openPartial } from "./download";
import { describeFsError, EvidenceError, isEvidenceError, messageOf } from "./errors";
import { verifyZip, type ZipSummary } from "./verifyZip";

export interface RetrieveOptions {
  getPackageUri(actionId: string): Promise<string>;
  clock: Clock;
  dispatcher: Dispatcher;
  /** A link older than this is not used; a new one is asked for. */
  linkLifetimeMs: number;
  /** Download attempts in all, across links. */
  maxDownloadAttempts: number;
  /** GetPackageUri calls in all for this package. */
  maxLinkRequests: number;
  retryBaseDelayMs: number;
  retryMaxDelayMs: number;
  headersTimeoutMs: number;
  bodyTimeoutMs: number;
  /** Every link issued is added here at once, so callers can redact it from anything they print. */
  secrets: Set<string>;
  /** Opens the partial file for this writer alone. @default {@link openPartial} (O_EXCL) */
  openPartial?(path: string): Promise<FileHandle>;
  /** A second sink per attempt (numbered from 1), fed the same bytes in the same pass: the blob upload. */
  tee?(attempt: number): ChunkSink;
  /** Called once, just before the first byte is asked for. */
  onStart?(): void;
  /** Called before each retry, with a redacted reason. */
  onRetry?(info: { attempt: number; reason: string; delayMs: number; newLink: boolean }): void;
}

export interface RetrievedPackage extends DownloadedBytes {
  verification: ZipSummary;
  /** Clock time the first attempt started, the last byte of the successful one arrived, and its check ended. */
  startedMs: number;
  downloadedMs: number;
  endedMs: number;
  /** Clock time the successful attempt started (for the transfer rate). */
  lastAttemptStartedMs: number;
  attempts: number;
  linkRequests: number;
}

/**
 * Downloads and verifies the package of `actionId` into `partialPath`, which must not exist: it
 * is created for this call alone. The caller removes the file on failure.
 */
export async function retrievePackage(actionId: string, partialPath: string, o: RetrieveOptions): Promise<RetrievedPackage> {
  let fh: FileHandle | undefined;
  try {
    return await retrieveInto(actionId, partialPath, o, async () => {
      if (fh) {
        // A retry starts from byte 0 in the same file: still one writer, no second name.
        await fh.truncate(0).catch((err: unknown) => {
          throw new EvidenceError("write", `cannot write ${partialPath}: ${describeFsError(err)}`, { cause: err });
        });
      } else {
        fh = await (o.openPartial ?? openPartial)(partialPath);
      }
      return fh;
    });
  } finally {
    await fh?.close().catch(() => undefined);
  }
}

async function retrieveInto(actionId: string, partialPath: string, o: RetrieveOptions, fresh: () => Promise<FileHandle>): Promise<RetrievedPackage> {
  let link: { url: string; issuedMs: number } | undefined;
  let attempts = 0;
  let linkRequests = 0;
  let transferFailures = 0;
  let startedMs: number | undefined;
  let lastRefusal = "";
  for (;;) {
    if (!link || o.clock.now() - link.issuedMs >= o.linkLifetimeMs) {
      if (linkRequests >= o.maxLinkRequests) {
        throw new EvidenceError(
          "linkExpired",
          `the download link expired or was refused ${linkRequests} time(s) (last: ${lastRefusal || "it outlived its lifetime"}); ` +
            "gave up to spare the GetPackageUri quota (2/min, 120/h). The next `pulumi up` tries again",
        );
      }
      linkRequests++;
      link = { url: await requestLink(actionId, o), issuedMs: o.clock.now() };
    }
    attempts++;
    const attemptStartedMs = o.clock.now();
    if (startedMs === undefined) {
      startedMs = attemptStartedMs;
      o.onStart?.();
    }
    try {
      const bytes = await downloadOnce(link.url, await fresh(), partialPath, o, o.tee?.(attempts));
      const downloadedMs = o.clock.now();
      const verification = await verifyZip(partialPath);
      const endedMs = o.clock.now();
      return { ...bytes, verification, startedMs, downloadedMs, endedMs, lastAttemptStartedMs: attemptStartedMs, attempts, linkRequests };
    } catch (err) {
      if (!isEvidenceError(err)) throw new EvidenceError("transfer", `the download failed: ${messageOf(err, [...o.secrets])}`, { cause: err, knownSecrets: [...o.secrets] });
      if (err.kind !== "transfer" && err.kind !== "linkExpired") throw err;
      if (attempts >= o.maxDownloadAttempts) {
        throw new EvidenceError(err.kind, `the package could not be downloaded in ${attempts} attempts; the last one failed: ${err.message}`, { cause: err });
      }
      if (err.kind === "linkExpired") {
        link = undefined;
        lastRefusal = err.message;
        o.onRetry?.({ attempt: attempts + 1, reason: err.message, delayMs: 0, newLink: true });
        continue;
      }
      const delayMs = Math.min(o.retryMaxDelayMs, o.retryBaseDelayMs * 2 ** transferFailures++);
      const newLink = o.clock.now() + delayMs - link.issuedMs >= o.linkLifetimeMs;
      o.onRetry?.({ attempt: attempts + 1, reason: err.message, delayMs, newLink });
      await o.clock.sleep(delayMs);
    }
  }
}

/** One GetPackageUri call; the returned link is registered as a secret before anything else. */
async function requestLink(actionId: string, o: RetrieveOptions): Promise<string> {
  let value: string;
  try {
    value = await o.getPackageUri(actionId);
  } catch (err) {
    if (isMdeErrorOfKind(err, "notFound")) {
      throw new EvidenceError(
        "packageUri",
        `MDE answered 404 to GetPackageUri for action ${actionId}: the action is not complete, so it has no package yet`,
        { cause: err, knownSecrets: [...o.secrets] },
      );
    }
    throw new EvidenceError("packageUri", `GetPackageUri for action ${actionId} failed: ${messageOf(err, [...o.secrets])}`, { cause: err, knownSecrets: [...o.secrets] });
  }
  // The docs' example wraps the URL in literal quotes (mde-api.md §5).
  const url = String(value).trim().replace(/^"+|"+$/g, "");
  o.secrets.add(url);
  if (url !== value) o.secrets.add(String(value));
  checkLink(url, [...o.secrets]);
  return url;
}
