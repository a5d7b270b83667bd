/**
 * A record's element tree (binxml.ts) as the fields a triage reads: event id, time, record id,
 * and the named data (EventData's `<Data Name=…>`, or UserData's child elements as 1102 "log
 * cleared" carries them). The element tree is built as it is read (binxml.ts), so the data of an
 * event nobody keeps is never decoded: `wantsData` says which event ids need it.
 */
import type { Element } from "./binxml";

export interface EvtxEvent {
  /** The record's position in the file, 1-based, counted by this reader (what "record N" in a finding means). */
  record: number;
  recordId: string;
  eventId: number;
  /** ISO 8601 from System/TimeCreated (falls back to the record header's time). */
  time: string;
  /** The named data; empty when `wantsData` declined the event id. */
  data: Record<string, string>;
}

const child = (e: Element | undefined, name: string) => e?.children.find((c) => c.name === name);

/** Every event's data (the cross-check against evtxexport reads them all). */
export const ALL_DATA = (): boolean => true;

/** `header`: the record header's id and written time, read only when the XML has none. */
export function toEvent(root: Element, record: number, header: { recordId(): string; writtenTime(): string }, wantsData: (eventId: number) => boolean = ALL_DATA): EvtxEvent | undefined {
  const system = child(root, "System");
  if (!system) return undefined;
  const eventId = Number(child(system, "EventID")?.text.trim());
  if (!Number.isInteger(eventId)) return undefined;
  const data: Record<string, string> = {};
  if (wantsData(eventId)) {
    const eventData = child(root, "EventData");
    if (eventData) {
      eventData.children.forEach((d, i) => {
        if (d.name === "Data") data[d.attr("Name") ?? `Data${i}`] = d.text;
      });
    }
    const userData = child(root, "UserData");
    for (const group of userData?.children ?? []) for (const f of group.children) data[f.name] = f.text;
  }
  return {
    record,
    recordId: child(system, "EventRecordID")?.text.trim() || header.recordId(),
    eventId,
    time: child(system, "TimeCreated")?.attr("SystemTime") || header.writtenTime(),
    data,
  };
}
