/**
 * What goes into an investigation package, per platform, following the layout Microsoft
 * documents (mde-api.md §5, respond-machine-alerts.md): folder and file names are the documented
 * ones; contents are plausible, small and reproducible (a seeded stream per package), because
 * tests and chain-of-custody demos compare hashes, not forensic truth.
 */
import { SeededRandom } from "../util/ids";

export interface PackageContext {
  computerDnsName: string;
  machineId: string;
  actionId: string;
  osPlatform: string;
  random: SeededRandom;
}

/** A file in the ZIP: `text` entries are deflated, `binarySize` entries are stored random bytes. */
export type PackageEntry = { path: string; text: string } | { path: string; binarySize: number };

const WINDOWS_FOLDERS = [
  "Autoruns", "Installed programs", "Network connections", "Prefetch files", "Processes", "Scheduled tasks",
  "Security event log", "Services", "Windows Server Message Block (SMB) sessions", "System Information",
  "Temp Directories", "Users and Groups", "WdSupportLogs",
] as const;

const lines = (ctx: PackageContext, n: number, f: (i: number) => string) =>
  Array.from({ length: n }, (_, i) => f(i)).join("\r\n") + "\r\n";
const ip = (r: SeededRandom) => `10.${r.int(0, 9)}.${r.int(0, 255)}.${r.int(1, 254)}`;
const PROCS = ["svchost.exe", "explorer.exe", "lsass.exe", "MsMpEng.exe", "chrome.exe", "OUTLOOK.EXE", "powershell.exe", "SenseIR.exe"];

/** The Windows layout: thirteen folders plus CollectionSummaryReport.xls. */
export function windowsEntries(ctx: PackageContext): PackageEntry[] {
  const r = ctx.random;
  const host = ctx.computerDnsName.split(".")[0].toUpperCase();
  const entries: PackageEntry[] = [
    { path: "Autoruns/Run.txt", text: lines(ctx, 4, (i) => `HKLM\\Software\\Microsoft\\Windows\\CurrentVersion\\Run\\Item${i}\tC:\\Program Files\\App${r.int(1, 99)}\\app.exe`) },
    { path: "Autoruns/Winlogon.txt", text: `Shell\texplorer.exe\r\nUserinit\tC:\\Windows\\system32\\userinit.exe,\r\n` },
    { path: "Installed programs/InstalledPrograms.csv", text: "Name,Version,Publisher\r\n" + lines(ctx, 6, (i) => `Program ${i},${r.int(1, 20)}.${r.int(0, 9)},Contoso`) },
    { path: "Network connections/ActiveNetConnections.txt", text: lines(ctx, 8, () => `TCP    ${ip(r)}:${r.int(1024, 65535)}    ${ip(r)}:443    ESTABLISHED    ${r.int(100, 9999)}`) },
    { path: "Network connections/Arp.txt", text: lines(ctx, 5, () => `  ${ip(r)}    00-15-5d-${r.int(10, 99)}-${r.int(10, 99)}-${r.int(10, 99)}    dynamic`) },
    { path: "Network connections/DnsCache.txt", text: lines(ctx, 5, (i) => `    Record Name . . . . . : host${i}.contoso.local`) },
    { path: "Network connections/IpConfig.txt", text: `Windows IP Configuration\r\n\r\n   Host Name . . . . . . . . . . . . : ${host}\r\n   IPv4 Address. . . . . . . . . . . : ${ip(r)}\r\n` },
    { path: "Network connections/FirewallExecutionLog.txt", text: lines(ctx, 3, (i) => `Rule ${i} applied`) },
    { path: "Network connections/pfirewall.log", text: "#Version: 1.5\r\n#Fields: date time action protocol src-ip dst-ip\r\n" + lines(ctx, 6, () => `2025-01-01 00:00:0${r.int(0, 9)} ALLOW TCP ${ip(r)} ${ip(r)}`) },
    { path: "Prefetch files/PrefetchFilesList.txt", text: lines(ctx, PROCS.length, (i) => `${PROCS[i].toUpperCase()}-${r.bytes(4).toString("hex").toUpperCase()}.pf`) },
    { path: "Prefetch files/SVCHOST.EXE-0A1B2C3D.pf", binarySize: 2048 },
    { path: "Processes/Processes.csv", text: "Name,Pid,Path\r\n" + lines(ctx, 10, (i) => `${PROCS[i % PROCS.length]},${r.int(4, 20000)},C:\\Windows\\System32\\${PROCS[i % PROCS.length]}`) },
    { path: "Scheduled tasks/ScheduledTasks.csv", text: "TaskName,Next Run Time,Status\r\n" + lines(ctx, 4, (i) => `\\Microsoft\\Windows\\Task${i},N/A,Ready`) },
    { path: "Security event log/Security.evtx", binarySize: 8192 },
    { path: "Services/Services.csv", text: "Name,DisplayName,Status\r\n" + lines(ctx, 6, (i) => `Svc${i},Service ${i},${r.pick(["Running", "Stopped"])}`) },
    { path: "Windows Server Message Block (SMB) sessions/SMBInboundSessions.txt", text: lines(ctx, 2, () => `\\\\${ip(r)}  CONTOSO\\user${r.int(1, 50)}`) },
    { path: "Windows Server Message Block (SMB) sessions/SMBOutboundSession.txt", text: lines(ctx, 2, () => `\\\\fileserver\\share${r.int(1, 9)}  OK`) },
    { path: "System Information/SystemInformation.txt", text: `Host Name: ${host}\r\nOS Name: Microsoft ${ctx.osPlatform}\r\nMachine Id: ${ctx.machineId}\r\nAction Id: ${ctx.actionId}\r\n` },
    { path: "Temp Directories/TempDirectory_user1.txt", text: lines(ctx, 4, (i) => `C:\\Users\\user1\\AppData\\Local\\Temp\\tmp${r.bytes(3).toString("hex")}${i}.tmp`) },
    { path: "Users and Groups/LocalGroups.txt", text: "Administrators: Administrator, CONTOSO\\Domain Admins\r\nUsers: CONTOSO\\user1\r\n" },
    { path: "WdSupportLogs/MpCmdRunLog.txt", text: lines(ctx, 5, (i) => `MpCmdRun: Command Line: -GetFiles step ${i}`) },
    { path: "WdSupportLogs/MPSupportFiles.cab", binarySize: 4096 },
  ];
  return [...entries, summary(entries)];
}

/** macOS and Linux share a layout, with some folders only on macOS. */
export function unixEntries(ctx: PackageContext): PackageEntry[] {
  const r = ctx.random;
  const mac = ctx.osPlatform === "macOS";
  const entries: PackageEntry[] = [
    ...(mac ? [{ path: "Applications/Applications.txt", text: lines(ctx, 5, (i) => `/Applications/App${i}.app`).replace(/\r/g, "") }] : []),
    { path: "Disk volume/DiskVolumes.txt", text: `Filesystem Size Used Avail Mounted on\n/dev/sda1 100G ${r.int(10, 90)}G 40G /\n` },
    { path: "File/OpenFiles.txt", text: lines(ctx, 8, (i) => `proc${i} ${r.int(100, 9999)} /var/log/file${i}.log`).replace(/\r/g, "") },
    ...(mac ? [{ path: "History/ShellHistory.txt", text: "ls -la\nsudo launchctl list\n" }, { path: "Kernel modules/KernelModules.txt", text: "com.apple.driver.AppleACPIPlatform\n" }] : []),
    { path: "Network connections/ActiveConnections.txt", text: lines(ctx, 6, () => `tcp ${ip(r)}:${r.int(1024, 65535)} ${ip(r)}:443 ESTABLISHED`).replace(/\r/g, "") },
    { path: "Network connections/Arp.txt", text: `? (${ip(r)}) at 00:15:5d:00:00:01 [ether] on eth0\n` },
    { path: "Network connections/FirewallRules.txt", text: "-P INPUT ACCEPT\n-P FORWARD DROP\n" },
    { path: "Network connections/IpConfig.txt", text: `eth0: inet ${ip(r)} netmask 255.255.255.0\n` },
    { path: "Processes/Processes.txt", text: lines(ctx, 10, (i) => `${r.int(1, 30000)} root /usr/bin/proc${i}`).replace(/\r/g, "") },
    {
      path: "Services and scheduled tasks/SystemInfo.txt",
      text: mac ? "Certificates: 12\nConfiguration profiles: 3\nHardware: MacBookPro18,1\n" : `CPU: ${r.int(2, 64)} cores\nHardware: Virtual Machine\nOS: Ubuntu 22.04\n`,
    },
    ...(mac ? [{ path: "System security info/SecurityStatus.txt", text: "EFI integrity: passed\nFirewall: enabled\nMRT: 1.93\nSIP: enabled\n" }] : []),
    { path: "Users and groups/LoginHistory.txt", text: lines(ctx, 3, (i) => `user${i} pts/0 ${ip(r)}`).replace(/\r/g, "") },
    { path: "Users and groups/Sudoers.txt", text: "root ALL=(ALL:ALL) ALL\n%admin ALL=(ALL) ALL\n" },
  ];
  return [...entries, summary(entries)];
}

/** CollectionSummaryReport.xls: one row per data point with the command, status and error code. */
function summary(entries: PackageEntry[]): PackageEntry {
  const rows = entries.map((e) => `<tr><td>${e.path}</td><td>collect</td><td>Completed</td><td>0</td></tr>`).join("");
  return {
    path: "CollectionSummaryReport.xls",
    text: `<html><body><table><tr><th>Data point</th><th>Command</th><th>Status</th><th>Error code</th></tr>${rows}</table></body></html>`,
  };
}

export { WINDOWS_FOLDERS };
