/**
 * The Security log of a device: ordinary activity (the user's logons, service logons with
 * special privileges, process creation, the odd mistyped password) over the days before the
 * collection, plus the events each plant leaves (4697, 4698, 4720/4732, 4625 bursts then 4624,
 * 4688 for planted processes, 1102 when the log was cleared, dropping what came before).
 * Times end at the scenario's evidence clock; a larger `count` spreads over more days.
 */
import { SeededRandom } from "../util/ids";
import type { DeviceProfile } from "./deviceProfile";
import type { SecurityEvent } from "./securityEventSchema";

const SYSTEM = { SubjectUserSid: "S-1-5-18", SubjectLogonId: "0x3e7" };
const PRIVS = "SeAssignPrimaryTokenPrivilege\r\n\t\t\tSeTcbPrivilege\r\n\t\t\tSeSecurityPrivilege\r\n\t\t\tSeTakeOwnershipPrivilege\r\n\t\t\tSeLoadDriverPrivilege\r\n\t\t\tSeBackupPrivilege\r\n\t\t\tSeRestorePrivilege\r\n\t\t\tSeDebugPrivilege\r\n\t\t\tSeAuditPrivilege\r\n\t\t\tSeSystemEnvironmentPrivilege\r\n\t\t\tSeImpersonatePrivilege\r\n\t\t\tSeDelegateSessionUserImpersonatePrivilege";
const hex = (n: number) => `0x${n.toString(16)}`;

export interface Timeline {
  events: SecurityEvent[];
  /** Record id of the first event (after a clear, the log restarts at 1). */
  firstRecordId: bigint;
}

/** `count` ordinary events (roughly) plus the plants' events, sorted by time. */
export function securityTimeline(seed: string, d: DeviceProfile, collectedAtMs: number, count: number): Timeline {
  const r = new SeededRandom(`${seed}|security|${d.fqdn}`);
  const nb = d.domain.split(".")[0].toUpperCase();
  const machine = { SubjectUserName: `${d.host}$`, SubjectDomainName: nb };
  const subject = { ...SYSTEM, ...machine };
  const userSubject = { SubjectUserSid: d.userSid, SubjectUserName: d.user, SubjectDomainName: nb, SubjectLogonId: hex(0x1a0000 + r.int(0, 0xffff)) };
  const days = Math.max(3, Math.ceil(count / 2500));
  const startMs = collectedAtMs - days * 86_400_000;
  const events: SecurityEvent[] = [];
  const logon = (t: number, type: number, who: { sid: string; name: string; domain: string }, ip = "-", extra: Record<string, string> = {}) =>
    events.push({ id: 4624, timeMs: t, data: { ...subject, TargetUserSid: who.sid, TargetUserName: who.name, TargetDomainName: who.domain, TargetLogonId: hex(r.int(0x10000, 0xffffff)),
      LogonType: String(type), LogonProcessName: type === 3 ? "NtLmSsp " : type === 5 ? "Advapi  " : "User32 ", AuthenticationPackageName: type === 3 ? "NTLM" : "Negotiate",
      WorkstationName: type === 5 ? "-" : d.host, ProcessId: type === 3 ? "0x0" : hex(d.processes.find((p) => p.name === "lsass.exe")?.pid ?? 700), ProcessName: type === 3 ? "-" : "C:\\Windows\\System32\\lsass.exe",
      IpAddress: ip, IpPort: ip === "-" ? "-" : String(r.int(49152, 65535)), ImpersonationLevel: "%%1833", RestrictedAdminMode: "-", VirtualAccount: "%%1843", ElevatedToken: "%%1842", ...extra } });
  const created = (t: number, path: string, pid: number, commandLine: string, parent = "C:\\Windows\\explorer.exe") =>
    events.push({ id: 4688, timeMs: t, data: { ...userSubject, NewProcessId: hex(pid), NewProcessName: path, TokenElevationType: "%%1938", ProcessId: hex(r.int(100, 4000) * 4), CommandLine: commandLine, ParentProcessName: parent, MandatoryLabel: "S-1-16-8192" } });
  const user = { sid: d.userSid, name: d.user, domain: nb };
  const system = { sid: "S-1-5-18", name: "SYSTEM", domain: "NT AUTHORITY" };
  const ordinary = d.processes.filter((p) => p.path);
  for (let i = 0; i < count; i++) {
    const t = startMs + Math.floor(((i + r.next()) / count) * (days * 86_400_000));
    const k = r.next();
    if (k < 0.3) {
      logon(t, 5, system);
      events.push({ id: 4672, timeMs: t, data: { SubjectUserSid: "S-1-5-18", SubjectUserName: "SYSTEM", SubjectDomainName: "NT AUTHORITY", SubjectLogonId: "0x3e7", PrivilegeList: PRIVS } });
      i++;
    } else if (k < 0.4) logon(t, r.pick([2, 7, 11]), user);
    else if (k < 0.42) events.push({ id: 4625, timeMs: t, data: { ...subject, TargetUserSid: "S-1-0-0", TargetUserName: d.user, TargetDomainName: nb, Status: "0xc000006d", FailureReason: "%%2313", SubStatus: "0xc000006a", LogonType: "2", LogonProcessName: "User32 ", AuthenticationPackageName: "Negotiate", WorkstationName: d.host, ProcessName: "C:\\Windows\\System32\\svchost.exe", IpAddress: "127.0.0.1", IpPort: "0" } });
    else {
      const p = r.pick(ordinary);
      created(t, p.path, p.pid, p.commandLine);
    }
  }
  let clearedAt = -Infinity;
  for (const p of d.plants) {
    const t = Date.parse(p.at);
    const i = p.indicators;
    switch (p.kind) {
      case "run-key-autorun":
      case "temp-listener":
        created(t, String(i.path), Number(i.pid), `"${i.path}"`);
        break;
      case "user-writable-service":
        events.push({ id: 4697, timeMs: t, data: { ...userSubject, ServiceName: String(i.serviceName), ServiceFileName: String(i.path), ServiceType: "0x10", ServiceStartType: "2", ServiceAccount: "LocalSystem" } });
        created(t + 2000, String(i.path), Number(i.pid), String(i.path), "C:\\Windows\\System32\\services.exe");
        break;
      case "encoded-powershell-task": {
        const [exe, ...args] = String(i.command).split(" ");
        const content = `<?xml version="1.0" encoding="UTF-16"?>\r\n<Task version="1.2" xmlns="http://schemas.microsoft.com/windows/2004/02/mit/task">\r\n  <Triggers>\r\n    <LogonTrigger>\r\n      <Enabled>true</Enabled>\r\n    </LogonTrigger>\r\n  </Triggers>\r\n  <Principals>\r\n    <Principal id="Author">\r\n      <UserId>S-1-5-18</UserId>\r\n      <RunLevel>HighestAvailable</RunLevel>\r\n    </Principal>\r\n  </Principals>\r\n  <Actions Context="Author">\r\n    <Exec>\r\n      <Command>${exe}</Command>\r\n      <Arguments>${args.join(" ")}</Arguments>\r\n    </Exec>\r\n  </Actions>\r\n</Task>`;
        events.push({ id: 4698, timeMs: t, data: { ...userSubject, TaskName: String(i.taskName), TaskContent: content } });
        break;
      }
      case "new-local-admin": {
        const sid = `${d.machineSid}-${i.rid}`;
        events.push({ id: 4720, timeMs: t, data: { TargetUserName: String(i.account), TargetDomainName: d.host, TargetSid: sid, ...userSubject, PrivilegeList: "-", SamAccountName: String(i.account), DisplayName: "%%1793", UserPrincipalName: "-", HomeDirectory: "%%1793", HomePath: "%%1793", ScriptPath: "%%1793", ProfilePath: "%%1793", UserWorkstations: "%%1793", PasswordLastSet: "%%1794", AccountExpires: "%%1794", PrimaryGroupId: "513", AllowedToDelegateTo: "-", OldUacValue: "0x0", NewUacValue: "0x15", UserAccountControl: "\r\n\t\t%%2080\r\n\t\t%%2082\r\n\t\t%%2084", UserParameters: "%%1793", SidHistory: "-", LogonHours: "%%1797" } });
        events.push({ id: 4732, timeMs: t + 3000, data: { MemberName: "-", MemberSid: sid, TargetUserName: "Administrators", TargetDomainName: "Builtin", TargetSid: "S-1-5-32-544", ...userSubject, PrivilegeList: "-" } });
        break;
      }
      case "logon-burst": {
        const type = Number(i.logonType);
        let at = t;
        for (let n = 0; n < Number(i.failures); n++, at += 1000 + r.int(500, 4000))
          events.push({ id: 4625, timeMs: at, data: { SubjectUserSid: "S-1-0-0", SubjectLogonId: "0x0", TargetUserSid: "S-1-0-0", TargetUserName: String(i.account), TargetDomainName: type === 10 ? d.host : "", Status: "0xc000006d", FailureReason: "%%2313", SubStatus: "0xc000006a", LogonType: String(type), LogonProcessName: "NtLmSsp ", AuthenticationPackageName: "NTLM", WorkstationName: "-", ProcessId: "0x0", ProcessName: "-", IpAddress: String(i.sourceIp), IpPort: "0" } });
        logon(at + 2000, type, { sid: i.account === d.user ? d.userSid : `${d.machineSid}-500`, name: String(i.account), domain: i.account === d.user ? nb : d.host }, String(i.sourceIp));
        events.push({ id: 4672, timeMs: at + 2000, data: { SubjectUserSid: `${d.machineSid}-500`, SubjectUserName: String(i.account), SubjectDomainName: d.host, SubjectLogonId: hex(r.int(0x10000, 0xffffff)), PrivilegeList: PRIVS } });
        break;
      }
      case "security-log-cleared":
        clearedAt = Math.max(clearedAt, t);
        events.push({ id: 1102, timeMs: t, data: userSubject });
        break;
      case "defender-detection":
        break;
    }
  }
  const kept = events.filter((e) => e.timeMs > clearedAt || (e.id === 1102 && e.timeMs === clearedAt));
  kept.sort((a, b) => a.timeMs - b.timeMs || (a.id === 1102 ? -1 : b.id === 1102 ? 1 : 0));
  return { events: kept, firstRecordId: clearedAt > -Infinity ? 1n : BigInt(r.int(20_000, 900_000)) };
}
