/**
 * The files of a Windows investigation package, in the documented folders (mde-api.md §5,
 * respond-machine-alerts.md), generated from one device profile so every file agrees: CSVs and
 * command output in the scenario's encoding, Security.evtx, prefetch files, the Defender CAB.
 * Formats per file: emulator/packages/README.md.
 */
import { guidFrom } from "../util/ids";
import type { PlantedFinding } from "../scenario/plants";
import type { EvidenceSettings } from "../scenario/plantSchema";
import { cabinet } from "./cabinet";
import { deviceProfile, type DeviceProfile } from "./deviceProfile";
import type { PackageEntry } from "./packageLayout";
import { prefetchFile } from "./prefetch";
import { encodeLines } from "./textEncoding";
import { installedProgramsCsv, processesCsv, scheduledTasksCsv, servicesCsv, usTime } from "./windowsCsv";
import { arp, displayDns, ipconfigAll, netLocalGroup, netstat, regQuery, systemInfo, tempListing } from "./windowsText";

export interface WindowsContext {
  seed: string;
  machine: { id: string; computerDnsName: string; osPlatform: string; lastIpAddress?: string | null };
  actionId: string;
  evidence: EvidenceSettings;
  plants: PlantedFinding[];
  /** Seeded bytes (`label` keeps files apart). */
  keystream: (n: number, label: string) => Buffer;
  /** The Security log, built (and cached) by the caller: it dominates the package's cost. */
  securityLog: (profile: DeviceProfile) => Buffer;
}

const MPCMDRUN = "C:\\ProgramData\\Microsoft\\Windows Defender\\Platform\\4.18.24020.7-0\\MpCmdRun.exe";

export function windowsFiles(ctx: WindowsContext): PackageEntry[] {
  const now = Date.parse(ctx.evidence.collectedAt);
  const d = deviceProfile(ctx.seed, ctx.machine, ctx.plants, now);
  const boot = now - 2 * 86_400_000 - (parseInt(d.machineSid.slice(-4), 10) % 600) * 60_000;
  const txt = (path: string, lines: string[]): PackageEntry => ({ path, bytes: encodeLines(lines, ctx.evidence.encoding), compress: true });
  const prefetch = [...new Set(d.processes.filter((p) => p.path).map((p) => p.path)), "C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe", "C:\\Windows\\System32\\cmd.exe"]
    .map((p) => prefetchFile(ctx.seed + d.fqdn, p, ctx.keystream));
  const detections = d.detections.flatMap((x) => [
    "-------------------------------------------------------------------------------------",
    `MpCmdRun: Command Line: "${MPCMDRUN}" Scan -ScheduleJob -ScanTrigger 55`,
    ` Start Time: ${usTime(x.atMs)}`, "", "Scan starting...", "Scan finished.", "Scanning found 1 threats.", "",
    "LIST OF DETECTED THREATS", "-------------------------------------------------------------------------------------",
    `Threat                  : ${x.threat}`, "Resources               : 1 total", `    file                : ${x.path}`, "",
    `MpCmdRun: End Time: ${usTime(x.atMs + 95_000)}`, "-------------------------------------------------------------------------------------", "",
  ]);
  const mpCmdRun = [...detections,
    "-------------------------------------------------------------------------------------", `MpCmdRun: Command Line: "${MPCMDRUN}" -GetFiles -SupportLogLocation`,
    ` Start Time: ${usTime(now - 60_000)}`, "", "MpEnsureProcessMitigationPolicy: hr = 0x1", "Start: MpGetFiles", "End: MpGetFiles: hr = 0x0",
    "", `MpCmdRun: End Time: ${usTime(now - 5_000)}`, "-------------------------------------------------------------------------------------"];
  const mpLog = Buffer.from([
    `${new Date(now - 86_400_000).toISOString()} ProductVersion: 4.18.24020.7, EngineVersion: 1.1.24020.9, SigVersion: 1.407.${(now / 1e8) % 900 | 0}.0`,
    ...d.detections.map((x) => `${new Date(x.atMs).toISOString()} DETECTION ${x.threat} file:${x.path}`),
    `${new Date(now - 60_000).toISOString()} MpGetFiles started`].join("\r\n") + "\r\n", "utf8");
  const cab = cabinet([
    { name: `MPLog-${new Date(now).toISOString().slice(0, 10).replace(/-/g, "")}-000000.log`, data: mpLog },
    { name: "MPDetection-20240101-000000.log", data: Buffer.from(d.detections.map((x) => `${new Date(x.atMs).toISOString()} ${x.threat} ${x.path}`).join("\r\n") + "\r\n", "utf8") },
    { name: "MpSupportFiles.txt", data: Buffer.from(`Collected on ${d.host} at ${new Date(now).toISOString()}\r\n`, "utf8") },
  ]);
  return [
    ...Object.entries(d.autoruns).map(([file, keys]) => txt(`Autoruns/${file}`, regQuery(keys))),
    txt("Installed programs/InstalledPrograms.csv", installedProgramsCsv(d, (name) => guidFrom(ctx.seed, `product|${name}`))),
    txt("Network connections/ActiveNetConnections.txt", netstat(d)),
    txt("Network connections/Arp.txt", arp(d)),
    txt("Network connections/DnsCache.txt", displayDns(d)),
    txt("Network connections/IpConfig.txt", ipconfigAll(d)),
    txt("Network connections/FirewallExecutionLog.txt", ["", "Firewall status:", "-------------------------------------------------------------------", "Profile                           = Domain", "Operational mode                  = Enable", "Exception mode                    = Enable"]),
    { path: "Network connections/pfirewall.log", text: "#Version: 1.5\r\n#Software: Microsoft Windows Firewall\r\n#Time Format: Local\r\n#Fields: date time action protocol src-ip dst-ip src-port dst-port size tcpflags tcpsyn tcpack tcpwin icmptype icmpcode info path\r\n\r\n" +
      d.sockets.filter((s) => s.state === "ESTABLISHED").map((s, i) => `${new Date(now - (i + 1) * 600_000).toISOString().slice(0, 19).replace("T", " ")} ALLOW TCP ${s.local.split(":")[0]} ${s.foreign.split(":")[0]} ${s.local.split(":")[1]} ${s.foreign.split(":")[1]} 0 - - - - - - - SEND\r\n`).join("") },
    txt("Prefetch files/PrefetchFilesList.txt", prefetch.map((p) => `C:\\Windows\\Prefetch\\${p.name}`)),
    ...prefetch.map((p) => ({ path: `Prefetch files/${p.name}`, bytes: p.bytes, compress: false })),
    txt("Processes/Processes.csv", processesCsv(d, boot)),
    txt("Scheduled tasks/ScheduledTasks.csv", scheduledTasksCsv(d, now)),
    { path: "Security event log/Security.evtx", bytes: ctx.securityLog(d), compress: true },
    txt("Services/Services.csv", servicesCsv(d)),
    txt("Windows Server Message Block (SMB) sessions/SMBInboundSessions.txt", ["", "ClientComputerName ClientUserName        NumOpens", "------------------ --------------        --------", ...(d.server ? [`\\\\${d.gateway.replace(/1$/, "20")}    ${d.domain.split(".")[0].toUpperCase()}\\svc_backup      2`] : [])]),
    txt("Windows Server Message Block (SMB) sessions/SMBOutboundSession.txt", ["", "Status       Local     Remote                    Network", "-------------------------------------------------------------------------------", `OK                     \\\\fs01.${d.domain}\\home     Microsoft Windows Network`, "The command completed successfully."]),
    txt("System Information/SystemInformation.txt", systemInfo(d, ctx.machine.osPlatform, ctx.machine.id, boot)),
    ...Object.entries(d.temp).map(([user, files]) => txt(`Temp Directories/TempDirectory_${user}.txt`, tempListing(user, files, now))),
    ...Object.entries(d.groups).map(([group, members]) => txt(`Users and Groups/${group}.txt`, netLocalGroup(group, members))),
    txt("WdSupportLogs/MpCmdRunLog.txt", mpCmdRun),
    { path: "WdSupportLogs/MPSupportFiles.cab", bytes: cab, compress: true },
  ];
}
