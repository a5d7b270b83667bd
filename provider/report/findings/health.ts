/**
 * Defender detections (MpCmdRunLog.txt) and collection health: data points the
 * CollectionSummaryReport says failed, and what the report's own readers could not read
 * (damaged EVTX chunks, entries refused as ZIP bombs, limits reached), so a quiet table is never
 * mistaken for a clean device.
 */
import type { DeviceFacts } from "../facts";
import { draft, ref, type Draft } from "./common";

export function defenderFindings(devices: DeviceFacts[]): Draft[] {
  return devices.flatMap((d) => d.detections.map((x) => draft(d, {
    category: "defender", kind: "defender-detection", severity: "high",
    title: `Defender detected ${x.threat}${x.resource ? ` (${x.resource})` : ""}${x.time ? ` in the scan of ${x.time}` : ""}`,
    details: { threat: x.threat, resource: x.resource, path: x.resource.replace(/^[a-z]+: /, ""), scanStart: x.time },
    evidence: [ref(d, x)],
  })));
}

const DONE = /^(completed|success(ful)?|succeeded|ok|done)$/i;
/** Notes that mean damaged or hostile content rather than a limit reached on a large file. */
const DAMAGE = /CRC32|ZIP bomb|not an EVTX|could not be (read|decoded)|signature|cut short/i;

export function collectionFindings(devices: DeviceFacts[]): Draft[] {
  return devices.flatMap((d) => [
    ...d.collection.filter((c) => c.dataPoint && !DONE.test(c.status.trim())).map((c) => draft(d, {
      category: "collection", kind: "data-point-failed", severity: "medium",
      title: `data point ${c.dataPoint} ${c.status || "has no status"}${c.errorCode && c.errorCode !== "0" ? ` (error ${c.errorCode})` : ""}`,
      details: { dataPoint: c.dataPoint, status: c.status, errorCode: c.errorCode },
      evidence: [ref(d, c)],
    })),
    ...(d.platform === "windows" && d.summaryForm === "missing" ? [draft(d, {
      category: "collection", kind: "summary-missing", severity: "low", title: "the package has no CollectionSummaryReport.xls",
      details: {}, evidence: [{ packageSha256: d.package.sha256, package: d.package.file, path: "CollectionSummaryReport.xls" }],
    })] : []),
    ...d.skipped.map((s) => draft(d, {
      category: "collection", kind: DAMAGE.test(s.reason) ? "unreadable-content" : "read-limit", severity: DAMAGE.test(s.reason) ? "medium" : "low",
      title: `${s.path}: ${s.reason}`,
      details: { path: s.path, reason: s.reason },
      evidence: [{ packageSha256: d.package.sha256, package: d.package.file, path: s.path, ...(s.line && s.line > 0 ? { line: s.line } : {}) }],
    })),
  ]);
}
