/**
 * A device's Security.evtx: the timeline (securityTimeline.ts) written as EVTX (evtxWriter.ts).
 * By default a few hundred events (a few chunks, fast). With `evidence.securityLogMiB` the
 * ordinary activity grows until the file reaches at least that size and at most ~4% (or one
 * 64 KiB chunk) more: a sample log gives the events a full chunk holds (the sample's last
 * chunk is left out: it is mostly empty, which once made sized logs ~15% short), the sized log is
 * written with a small margin, and if it still falls short one more write scales the count by the
 * shortfall the sized log itself shows. Two sized writes at most, nothing random beyond the seed:
 * the same scenario gives the same bytes. Returns the per-ID counts the tests compare with what
 * independent parsers report.
 */
import type { DeviceProfile } from "./windowsDevice";
import { CHUNK_SIZE, FILE_HEADER_SIZE, writeEvtx } from "./evtxWriter";
import { securityTimeline } from "./securityTimeline";

export const DEFAULT_SECURITY_EVENTS = 400;
/** Events in the sample a sized log is estimated from: ~25 full chunks, so the estimate is within ~1% (400 events: ±2.5%). */
const SIZING_SAMPLE_EVENTS = 2000;
/** Extra events over the estimate, so the first sized write nearly always reaches the floor. */
const ESTIMATE_MARGIN = 1.01;
/** Extra events over the sized log's own rate, when a second write is needed. */
const CORRECTION_MARGIN = 1.01;
/** A second write grows the count this much at most, which bounds its cost. */
const MAX_CORRECTION = 1.5;

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
  const target = (targetMiB ?? 0) * 1024 * 1024;
  if (target > out.bytes.length) {
    const sample = write(SIZING_SAMPLE_EVENTS);
    const perChunk = (sample.records - sample.lastChunkRecords) / Math.max(1, sample.chunks - 1);
    // The plants' events come on top of the ordinary `count` (fewer in a cleared log: negative).
    const plantEvents = sample.records - SIZING_SAMPLE_EVENTS;
    const chunks = Math.ceil((target - FILE_HEADER_SIZE) / CHUNK_SIZE);
    let count = Math.max(DEFAULT_SECURITY_EVENTS, Math.ceil(chunks * perChunk * ESTIMATE_MARGIN - plantEvents));
    out = write(count);
    if (out.bytes.length < target) {
      const shortfall = (target - FILE_HEADER_SIZE) / (out.bytes.length - FILE_HEADER_SIZE);
      count = Math.ceil(count * Math.min(MAX_CORRECTION, shortfall * CORRECTION_MARGIN));
      out = write(count);
    }
  }
  const counts: Record<number, number> = {};
  for (const e of out.events) counts[e.id] = (counts[e.id] ?? 0) + 1;
  return { bytes: out.bytes, counts };
}
