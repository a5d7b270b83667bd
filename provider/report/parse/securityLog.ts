/**
 * Security.evtx of one device, reduced to what the findings and the timeline need: exact counts
 * per event id (4624 also by logon type 3 and 10), an hourly histogram of the tracked ids, and the
 * events findings look at (failed and remote logons, services and tasks created, accounts created
 * and added to groups, the log cleared), at most `keptEvents` of them (noted when more).
 */
import { KEPT_EVENT_IDS, TRACKED_EVENT_IDS, type SecurityLogFacts } from "../facts";
import { readEvtx } from "../evtx/chunks";
import type { ReadLimits, SkipLog } from "./limits";

const TRACKED = new Set<number>(TRACKED_EVENT_IDS);
/** The events whose data is read: 4624 for its logon type, and the kept ones. The rest are counted by id only. */
const wantsData = (eventId: number) => eventId === 4624 || KEPT_EVENT_IDS.has(eventId);

export function emptySecurityLog(): SecurityLogFacts {
  return { present: false, records: 0, badChunks: 0, badRecords: 0, counts: {}, hours: {}, kept: [] };
}

export async function readSecurityLog(path: string, chunks: AsyncIterable<Buffer>, limits: ReadLimits, skip: SkipLog): Promise<SecurityLogFacts> {
  const facts = emptySecurityLog();
  facts.present = true;
  let dropped = 0;
  const summary = await readEvtx(chunks, limits, skip, (e) => {
    const id = String(e.eventId);
    facts.counts[id] = (facts.counts[id] ?? 0) + 1;
    const logonType = e.eventId === 4624 ? e.data.LogonType : undefined;
    if (logonType === "3" || logonType === "10") facts.counts[`4624/${logonType}`] = (facts.counts[`4624/${logonType}`] ?? 0) + 1;
    if (!TRACKED.has(e.eventId)) return;
    if (!facts.firstTime || e.time < facts.firstTime) facts.firstTime = e.time;
    if (!facts.lastTime || e.time > facts.lastTime) facts.lastTime = e.time;
    const hour = e.time.slice(0, 13);
    const bucket = (facts.hours[hour] ??= {});
    bucket[id] = (bucket[id] ?? 0) + 1;
    if (!KEPT_EVENT_IDS.has(e.eventId) || (e.eventId === 4624 && logonType !== "3" && logonType !== "10")) return;
    if (facts.kept.length >= limits.keptEvents) {
      dropped++;
      return;
    }
    facts.kept.push({ path, record: e.record, eventRecordId: e.recordId, eventId: e.eventId, time: e.time, data: pick(e.data) });
  }, wantsData);
  if (dropped) skip.add(`${dropped} notable events beyond the first ${limits.keptEvents} were counted but not kept (kept-event limit)`);
  facts.records = summary.records;
  facts.badChunks = summary.badChunks;
  facts.badRecords = summary.badRecords;
  return facts;
}

/** The fields the findings and the page show; the rest of an event stays in the package. */
const FIELDS = ["TargetUserName", "TargetDomainName", "LogonType", "IpAddress", "WorkstationName", "SubjectUserName", "ServiceName", "ServiceFileName", "TaskName", "TaskContent", "MemberSid", "MemberName", "TargetSid", "SamAccountName", "Status"];

function pick(data: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const f of FIELDS) if (data[f] !== undefined && data[f] !== "-" && data[f] !== "") out[f] = data[f].slice(0, 4096);
  return out;
}
