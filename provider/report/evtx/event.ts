/**
 * A record's element tree (binxml.ts) as the fields a triage reads: event id, time, record id,
 * computer, and the named data (EventData's `<Data Name=…>`, or UserData's child elements as
 * 1102 "log cleared" carries them).
 */
import type { Element } from "./binxml";

export interface EvtxEvent {
  /** The record's position in the file, 1-based, counted by this reader (what "record N" in a finding means). */
  record: number;
  recordId: string;
  eventId: number;
  /** ISO 8601 from System/TimeCreated (falls back to the record header's time). */
  time: string;
  computer: string;
  data: Record<string, string>;
}

const child = (e: Element | undefined, name: string) => e?.children.find((c) => c.name === name);

export function toEvent(root: Element, record: number, recordId: string, writtenTime: string): EvtxEvent | undefined {
  const system = child(root, "System");
  if (!system) return undefined;
  const eventId = Number(child(system, "EventID")?.text.trim());
  if (!Number.isInteger(eventId)) return undefined;
  const data: Record<string, string> = {};
  const eventData = child(root, "EventData");
  if (eventData) {
    eventData.children.forEach((d, i) => {
      if (d.name === "Data") data[d.attrs.Name ?? `Data${i}`] = d.text;
    });
  }
  const userData = child(root, "UserData");
  for (const group of userData?.children ?? []) for (const f of group.children) data[f.name] = f.text;
  return {
    record,
    recordId: child(system, "EventRecordID")?.text.trim() || recordId,
    eventId,
    time: child(system, "TimeCreated")?.attrs.SystemTime || writtenTime,
    computer: child(system, "Computer")?.text ?? "",
    data,
  };
}
