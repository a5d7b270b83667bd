/**
 * What goes into an investigation package, per platform, following the layout Microsoft
 * documents (mde-api.md §5, respond-machine-alerts.md): folder and file names are the documented
 * ones. Windows files come from windowsPackage.ts (real formats); macOS and Linux keep their
 * documented categories as plain text, small and reproducible (a seeded stream per package).
 */
import { SeededRandom } from "../util/ids";

export interface PackageContext {
  computerDnsName: string;
  machineId: string;
  actionId: string;
  osPlatform: string;
  random: SeededRandom;
}

/**
 * A file in the ZIP: `text` entries are UTF-8 and deflated, `bytes` entries are written as given
 * (deflated when `compress`), `binarySize` entries are stored seeded bytes (benchmark padding).
 */
export type PackageEntry = { path: string; text: string } | { path: string; bytes: Buffer; compress: boolean } | { path: string; binarySize: number };

const WINDOWS_FOLDERS = [
  "Autoruns", "Installed programs", "Network connections", "Prefetch files", "Processes", "Scheduled tasks",
  "Security event log", "Services", "Windows Server Message Block (SMB) sessions", "System Information",
  "Temp Directories", "Users and Groups", "WdSupportLogs",
] as const;

const lines = (ctx: PackageContext, n: number, f: (i: number) => string) =>
  Array.from({ length: n }, (_, i) => f(i)).join("\r\n") + "\r\n";
const ip = (r: SeededRandom) => `10.${r.int(0, 9)}.${r.int(0, 255)}.${r.int(1, 254)}`;

/** The Windows layout: thirteen folders (windowsPackage.ts) plus CollectionSummaryReport.xls. */
export function windowsEntries(files: PackageEntry[]): PackageEntry[] {
  return [...files, summary(files)];
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

const esc = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

/**
 * CollectionSummaryReport.xls as an HTML table saved with an .xls name (Excel opens it with a
 * format warning): one row per data point (folder) with its files, status and error code.
 */
function summary(entries: PackageEntry[]): PackageEntry {
  const byFolder = new Map<string, string[]>();
  for (const e of entries) {
    const [folder, ...rest] = e.path.split("/");
    byFolder.set(folder, [...(byFolder.get(folder) ?? []), rest.join("/")]);
  }
  const rows = [...byFolder].map(([f, files]) => `<tr><td>${esc(f)}</td><td>${files.length}</td><td>${esc(files.slice(0, 3).join("; "))}${files.length > 3 ? "; …" : ""}</td><td>Completed</td><td>0</td></tr>`).join("\r\n");
  return {
    path: "CollectionSummaryReport.xls",
    text: `<html xmlns:o="urn:schemas-microsoft-com:office:office" xmlns:x="urn:schemas-microsoft-com:office:excel">\r\n<head><meta http-equiv="Content-Type" content="text/html; charset=utf-8"></head>\r\n<body><table border="1">\r\n<tr><th>Data point</th><th>Files</th><th>Examples</th><th>Status</th><th>Error code</th></tr>\r\n${rows}\r\n</table></body></html>\r\n`,
  };
}

export { WINDOWS_FOLDERS };
