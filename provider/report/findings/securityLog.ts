/**
 * The Security log's findings (the counts per device and the timeline are in the report itself):
 * - a burst of failed logons (4625: at least BURST failures within BURST_WINDOW for one account or
 *   source), high when a successful network or remote logon (4624 type 3 or 10) from the same
 *   source or for the same account follows within SUCCESS_WINDOW;
 * - the log cleared (1102);
 * - a service installed (4697), high from a user-writable folder;
 * - a scheduled task created (4698), high when its action hides its command;
 * - an account created (4720), and a member added to Administrators or Remote Desktop Users (4732).
 */
import type { DeviceFacts, SecurityEventFact } from "../facts";
import { draft, executableOf, isUserWritable, OBFUSCATED, ref, type Draft } from "./common";

export const BURST = 10;
const BURST_WINDOW_MS = 10 * 60_000;
const SUCCESS_WINDOW_MS = 60 * 60_000;
/** Administrators and Remote Desktop Users. */
const PRIVILEGED_GROUP_SIDS = new Set(["S-1-5-32-544", "S-1-5-32-555"]);

const ms = (e: SecurityEventFact) => Date.parse(e.time);

export function securityLogFindings(devices: DeviceFacts[]): Draft[] {
  return devices.flatMap((d) => [...bursts(d), ...d.security.kept.flatMap((e) => single(d, e))]);
}

function single(d: DeviceFacts, e: SecurityEventFact): Draft[] {
  const x = e.data;
  const f = (kind: string, severity: Draft["severity"], title: string, details: Draft["details"]) =>
    [draft(d, { category: "security-log", kind, severity, title: `${e.eventId} at ${e.time}: ${title}`, details: { eventId: e.eventId, time: e.time, ...details }, evidence: [ref(d, e)] })];
  switch (e.eventId) {
    case 1102:
      return f("log-cleared", "high", `the Security log was cleared by ${x.SubjectUserName ?? "?"}`, { account: x.SubjectUserName ?? "" });
    case 4697: {
      const path = executableOf(x.ServiceFileName ?? "");
      const writable = isUserWritable(path);
      return f("service-installed", writable ? "high" : "medium", `service ${x.ServiceName ?? "?"} installed${writable ? " from a user-writable folder" : ""}: ${x.ServiceFileName ?? ""}`, { serviceName: x.ServiceName ?? "", path, account: x.SubjectUserName ?? "" });
    }
    case 4698: {
      const hidden = OBFUSCATED.test(x.TaskContent ?? "");
      return f("task-created", hidden ? "high" : "medium", `scheduled task ${x.TaskName ?? "?"} created${hidden ? ", its action hides its command" : ""}`, { taskName: x.TaskName ?? "", account: x.SubjectUserName ?? "" });
    }
    case 4720:
      return f("account-created", "medium", `account ${x.TargetUserName ?? "?"} created by ${x.SubjectUserName ?? "?"}`, { account: x.TargetUserName ?? x.SamAccountName ?? "", sid: x.TargetSid ?? "" });
    case 4732: {
      const privileged = PRIVILEGED_GROUP_SIDS.has(x.TargetSid ?? "");
      const member = x.MemberName && x.MemberName !== "-" ? x.MemberName : x.MemberSid ?? "?";
      const account = d.security.kept.find((c) => c.eventId === 4720 && c.data.TargetSid === x.MemberSid)?.data.TargetUserName;
      return f("group-member-added", privileged ? "high" : "medium", `${account ?? member} added to ${x.TargetUserName ?? "?"}`, { group: x.TargetUserName ?? "", member, account: account ?? "", memberSid: x.MemberSid ?? "" });
    }
    default:
      return [];
  }
}

/** Failed logons grouped by source address (or account when there is none), then cut into bursts. */
function bursts(d: DeviceFacts): Draft[] {
  const failures = d.security.kept.filter((e) => e.eventId === 4625).sort((a, b) => ms(a) - ms(b));
  const groups = new Map<string, SecurityEventFact[]>();
  for (const e of failures) {
    const ip = e.data.IpAddress;
    const k = ip && ip !== "-" && ip !== "127.0.0.1" && ip !== "::1" ? `ip:${ip}` : `user:${(e.data.TargetUserName ?? "").toLowerCase()}`;
    groups.set(k, [...(groups.get(k) ?? []), e]);
  }
  const out: Draft[] = [];
  for (const list of groups.values()) {
    for (let i = 0; i < list.length; ) {
      let j = i;
      while (j + 1 < list.length && ms(list[j + 1]) - ms(list[j]) <= BURST_WINDOW_MS) j++;
      const burst = list.slice(i, j + 1);
      i = j + 1;
      if (burst.length < BURST || ms(burst[burst.length - 1]) - ms(burst[0]) > BURST_WINDOW_MS * 6) continue;
      out.push(burstFinding(d, burst));
    }
  }
  return out;
}

function burstFinding(d: DeviceFacts, burst: SecurityEventFact[]): Draft {
  const first = burst[0];
  const last = burst[burst.length - 1];
  const ip = first.data.IpAddress ?? "";
  const account = first.data.TargetUserName ?? "";
  const success = d.security.kept.find((e) => e.eventId === 4624 && ms(e) >= ms(first) && ms(e) - ms(last) <= SUCCESS_WINDOW_MS &&
    ((ip && ip !== "-" && e.data.IpAddress === ip) || (e.data.TargetUserName ?? "").toLowerCase() === account.toLowerCase()));
  return draft(d, {
    category: "security-log", kind: "logon-burst", severity: success ? "high" : "medium",
    title: `${burst.length} failed logons for ${account} from ${ip || "?"} between ${first.time} and ${last.time}${success ? `, then a successful type ${success.data.LogonType} logon at ${success.time}` : ""}`,
    details: { account, sourceIp: ip, failures: burst.length, first: first.time, last: last.time, ...(success ? { logonType: Number(success.data.LogonType), successAt: success.time } : {}) },
    evidence: [ref(d, first), ref(d, last), ...(success ? [ref(d, success)] : [])],
  });
}
