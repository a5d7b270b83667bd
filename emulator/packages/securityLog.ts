/**
 * A device's Security.evtx: the timeline (securityTimeline.ts) written as EVTX (evtxWriter.ts).
 * By default a few hundred events (a few chunks, fast); with `evidence.securityLogMiB` the
 * ordinary activity grows until the file reaches that size: one sample run measures the bytes
 * per event, the second writes the sized log. Returns the per-ID counts the tests compare with
 * what independent parsers report.
 */
import type { DeviceProfile } from "./deviceProfile";
import { writeEvtx } from "./evtxWriter";
import { securityTimeline } from "./securityTimeline";

export const DEFAULT_SECURITY_EVENTS = 400;

export interface SecurityLog {
  bytes: Buffer;
  counts: Record<number, number>;
}

export function buildSecurityLog(seed: string, d: DeviceProfile, collectedAtMs: number, targetMiB?: number): SecurityLog {
  const write = (count: number) => {
    const t = securityTimeline(seed, d, collectedAtMs, count);
    return { ...writeEvtx(t.events, d.fqdn, t.firstRecordId), events: t.events };
  };
  let out = write(DEFAULT_SECURITY_EVENTS);
  if (targetMiB) {
    const target = targetMiB * 1024 * 1024;
    const perEvent = (out.bytes.length - 4096) / Math.max(1, out.records);
    if (target > out.bytes.length) out = write(Math.floor((DEFAULT_SECURITY_EVENTS * (target - 4096)) / (perEvent * out.records)));
  }
  const counts: Record<number, number> = {};
  for (const e of out.events) counts[e.id] = (counts[e.id] ?? 0) + 1;
  return { bytes: out.bytes, counts };
}
