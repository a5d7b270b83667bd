/**
 * The Security log events the emulator writes, as Windows defines them: provider, version, task,
 * keywords and the EventData field names in manifest order (Microsoft-Windows-Security-Auditing;
 * 1102 comes from Microsoft-Windows-Eventlog and carries UserData/LogFileCleared). Each ID becomes
 * one binary-XML template whose System part is substituted like Windows' own (slots 0-13) and
 * whose data fields follow from slot 14, typed by their name.
 */
import { VT, value, type Value, type ValueType, type XmlNode } from "./binaryXml";

const SUBJECT = ["SubjectUserSid", "SubjectUserName", "SubjectDomainName", "SubjectLogonId"];
export const EVENT_FIELDS: Record<number, readonly string[]> = {
  4624: [...SUBJECT, "TargetUserSid", "TargetUserName", "TargetDomainName", "TargetLogonId", "LogonType", "LogonProcessName", "AuthenticationPackageName",
    "WorkstationName", "LogonGuid", "TransmittedServices", "LmPackageName", "KeyLength", "ProcessId", "ProcessName", "IpAddress", "IpPort",
    "ImpersonationLevel", "RestrictedAdminMode", "TargetOutboundUserName", "TargetOutboundDomainName", "VirtualAccount", "TargetLinkedLogonId", "ElevatedToken"],
  4625: [...SUBJECT, "TargetUserSid", "TargetUserName", "TargetDomainName", "Status", "FailureReason", "SubStatus", "LogonType", "LogonProcessName",
    "AuthenticationPackageName", "WorkstationName", "TransmittedServices", "LmPackageName", "KeyLength", "ProcessId", "ProcessName", "IpAddress", "IpPort"],
  4672: [...SUBJECT, "PrivilegeList"],
  4688: [...SUBJECT, "NewProcessId", "NewProcessName", "TokenElevationType", "ProcessId", "CommandLine", "TargetUserSid", "TargetUserName",
    "TargetDomainName", "TargetLogonId", "ParentProcessName", "MandatoryLabel"],
  4697: [...SUBJECT, "ServiceName", "ServiceFileName", "ServiceType", "ServiceStartType", "ServiceAccount"],
  4698: [...SUBJECT, "TaskName", "TaskContent"],
  4720: ["TargetUserName", "TargetDomainName", "TargetSid", ...SUBJECT, "PrivilegeList", "SamAccountName", "DisplayName", "UserPrincipalName",
    "HomeDirectory", "HomePath", "ScriptPath", "ProfilePath", "UserWorkstations", "PasswordLastSet", "AccountExpires", "PrimaryGroupId",
    "AllowedToDelegateTo", "OldUacValue", "NewUacValue", "UserAccountControl", "UserParameters", "SidHistory", "LogonHours"],
  4732: ["MemberName", "MemberSid", "TargetUserName", "TargetDomainName", "TargetSid", ...SUBJECT, "PrivilegeList"],
  1102: SUBJECT,
};
export const SECURITY_EVENT_IDS = Object.keys(EVENT_FIELDS).map(Number);

/** version, task, opcode, keywords (success or failure audit) of each ID, as Windows 10/11 log them. */
const META: Record<number, { version: number; task: number; keywords: bigint }> = {
  4624: { version: 2, task: 12544, keywords: 0x8020000000000000n },
  4625: { version: 0, task: 12544, keywords: 0x8010000000000000n },
  4672: { version: 0, task: 12548, keywords: 0x8020000000000000n },
  4688: { version: 2, task: 13312, keywords: 0x8020000000000000n },
  4697: { version: 0, task: 12289, keywords: 0x8020000000000000n },
  4698: { version: 0, task: 12804, keywords: 0x8020000000000000n },
  4720: { version: 0, task: 13824, keywords: 0x8020000000000000n },
  4732: { version: 0, task: 13826, keywords: 0x8020000000000000n },
  1102: { version: 0, task: 104, keywords: 0x4020000000000000n },
};

const AUDITING = { name: "Microsoft-Windows-Security-Auditing", guid: "{54849625-5478-4994-a5ba-3e3b0328c30d}" };
const EVENTLOG = { name: "Microsoft-Windows-Eventlog", guid: "{fc65ddd8-d6ef-4962-83d5-6e5cfe9ce148}" };

/** How a field's text is stored: SIDs as SIDs, logon ids and process ids as hex, numbers as UInt32, GUIDs as GUIDs. */
function fieldType(name: string): ValueType {
  if (/Sid$/.test(name) && name !== "SidHistory") return VT.sid;
  if (/LogonId$|^(New)?ProcessId$/.test(name)) return VT.hex64;
  if (/^(LogonType|KeyLength)$/.test(name)) return VT.uint32;
  if (name === "LogonGuid") return VT.guid;
  return VT.string;
}

/** What Windows writes for a field with nothing to say: the NULL SID, zero, the empty GUID, "-". */
const EMPTY: Partial<Record<ValueType, string>> = { [VT.sid]: "S-1-0-0", [VT.hex64]: "0x0", [VT.uint32]: "0", [VT.guid]: "{00000000-0000-0000-0000-000000000000}" };

export function encodeField(name: string, given: string | undefined): Value {
  const text = given ?? EMPTY[fieldType(name)] ?? "-";
  switch (fieldType(name)) {
    case VT.sid: return /^S-1-/.test(text) ? value.sid(text) : value.string(text);
    case VT.hex64: return value.hex64(BigInt(text));
    case VT.uint32: return value.uint32(Number(text));
    case VT.guid: return value.guid(text);
    default: return value.string(text);
  }
}

const FIRST_DATA_SLOT = 14;
const s = (sub: number, type: ValueType, optional = false) => ({ sub, type, optional });

/** The template of one event ID: Windows' System block, then EventData (or 1102's UserData). */
export function eventTemplate(id: number): XmlNode {
  const provider = id === 1102 ? EVENTLOG : AUDITING;
  const system: XmlNode = {
    name: "System",
    children: [
      { name: "Provider", attrs: [["Name", provider.name], ["Guid", provider.guid]] },
      { name: "EventID", children: [s(0, VT.uint16)] },
      { name: "Version", children: [s(1, VT.uint8)] },
      { name: "Level", children: [s(2, VT.uint8)] },
      { name: "Task", children: [s(3, VT.uint16)] },
      { name: "Opcode", children: [s(4, VT.uint8)] },
      { name: "Keywords", children: [s(5, VT.hex64)] },
      { name: "TimeCreated", attrs: [["SystemTime", s(6, VT.filetime)]] },
      { name: "EventRecordID", children: [s(7, VT.uint64)] },
      { name: "Correlation", attrs: [["ActivityID", s(8, VT.guid, true)]] },
      { name: "Execution", attrs: [["ProcessID", s(9, VT.uint32)], ["ThreadID", s(10, VT.uint32)]] },
      { name: "Channel", children: [s(11, VT.string)] },
      { name: "Computer", children: [s(12, VT.string)] },
      { name: "Security", attrs: [["UserID", s(13, VT.sid, true)]] },
    ],
  };
  const fields = EVENT_FIELDS[id];
  const body: XmlNode =
    id === 1102
      ? { name: "UserData", children: [{ name: "LogFileCleared", attrs: [["xmlns", "http://manifests.microsoft.com/win/2004/08/windows/eventlog"]], children: fields.map((f, i) => ({ name: f, children: [s(FIRST_DATA_SLOT + i, fieldType(f))] })) }] }
      : { name: "EventData", children: fields.map((f, i) => ({ name: "Data", attrs: [["Name", f] as [string, string]], children: [s(FIRST_DATA_SLOT + i, fieldType(f))] })) };
  return { name: "Event", attrs: [["xmlns", "http://schemas.microsoft.com/win/2004/08/events/event"]], children: [system, body] };
}

export interface SecurityEvent {
  id: number;
  timeMs: number;
  /** Data fields by name; a missing one is written empty, as Windows does ("-", NULL SID, 0). */
  data: Record<string, string>;
  processId?: number;
  threadId?: number;
}

/** The substitution values of one record, in slot order. */
export function eventValues(e: SecurityEvent, recordId: bigint, computer: string): Value[] {
  const m = META[e.id];
  const system: Value[] = [
    value.uint16(e.id), value.uint8(m.version), value.uint8(0), value.uint16(m.task), value.uint8(0), value.hex64(m.keywords),
    value.filetime(e.timeMs), value.uint64(recordId), null, value.uint32(e.processId ?? 788), value.uint32(e.threadId ?? 1024),
    value.string("Security"), value.string(computer), null,
  ];
  return [...system, ...EVENT_FIELDS[e.id].map((f) => encodeField(f, e.data[f]))];
}
