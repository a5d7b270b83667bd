/**
 * Text files as the Windows commands print them (en-US): `netstat -ano`, `ipconfig /all`,
 * `arp -a`, `ipconfig /displaydns`, `net localgroup <group>`, `reg query <key>`, `systeminfo`,
 * `dir` of a temp folder. Each returns lines; textEncoding.ts adds the BOM and CRLF.
 */
import type { DeviceProfile } from "./deviceProfile";
import { usTime } from "./windowsCsv";

const dots = (label: string, width = 36) => `   ${(label + " ").padEnd(width - 3, ". ").slice(0, width - 3)}: `;
const pad = (label: string, width: number) => `${label}${" ".repeat(Math.max(1, width - label.length))}`;

/** `netstat -ano`: PIDs are the Processes.csv PIDs. */
export function netstat(d: DeviceProfile): string[] {
  const line = (c: string[]) => `  ${pad(c[0], 7)}${pad(c[1], 23)}${pad(c[2], 23)}${pad(c[3], 16)}${c[4]}`;
  return ["", "Active Connections", "", line(["Proto", "Local Address", "Foreign Address", "State", "PID"]),
    ...d.sockets.map((s) => line([s.proto, s.local, s.foreign, s.state, String(s.pid)]))];
}

/** `ipconfig /all`. */
export function ipconfigAll(d: DeviceProfile): string[] {
  const kv = (k: string, v: string, w = 36) => `${dots(k, w)}${v}`;
  return ["", "Windows IP Configuration", "",
    kv("Host Name", d.host), kv("Primary Dns Suffix ", d.domain), kv("Node Type", "Hybrid"), kv("IP Routing Enabled", "No"), kv("WINS Proxy Enabled", "No"), kv("DNS Suffix Search List", d.domain),
    "", "Ethernet adapter Ethernet:", "",
    kv("Connection-specific DNS Suffix ", d.domain), kv("Description", "Microsoft Hyper-V Network Adapter"), kv("Physical Address", d.mac.toUpperCase()),
    kv("DHCP Enabled", "Yes"), kv("Autoconfiguration Enabled ", "Yes"), kv("IPv4 Address", `${d.ip}(Preferred) `), kv("Subnet Mask", "255.255.255.0"),
    kv("Default Gateway", d.gateway), kv("DHCP Server", d.dnsServers[0]), kv("DNS Servers", d.dnsServers[0]), ...d.dnsServers.slice(1).map((s) => `${" ".repeat(39)}${s}`),
    kv("NetBIOS over Tcpip", "Enabled")];
}

/** `arp -a`. */
export function arp(d: DeviceProfile): string[] {
  return ["", `Interface: ${d.ip} --- 0x6`, "  Internet Address      Physical Address      Type", ...d.arp.map(([ip, mac, type]) => `  ${pad(ip, 22)}${pad(mac, 22)}${type}`), ""];
}

/** `ipconfig /displaydns`. */
export function displayDns(d: DeviceProfile): string[] {
  return ["", "Windows IP Configuration", "", ...d.dnsCache.flatMap(([name, ip], i) => [
    `    ${name}`, "    ----------------------------------------", `    Record Name . . . . . : ${name}`, "    Record Type . . . . . : 1",
    `    Time To Live  . . . . : ${300 + i * 917}`, "    Data Length . . . . . : 4", "    Section . . . . . . . : Answer", `    A (Host) Record . . . : ${ip}`, "", ""])];
}

const GROUP_COMMENTS: Record<string, string> = {
  Administrators: "Administrators have complete and unrestricted access to the computer/domain",
  Users: "Users are prevented from making accidental or intentional system-wide changes and can run most applications",
  "Remote Desktop Users": "Members in this group are granted the right to logon remotely",
};

/** `net localgroup <group>`. */
export function netLocalGroup(group: string, members: string[]): string[] {
  return [pad("Alias name", 15) + group, pad("Comment", 15) + (GROUP_COMMENTS[group] ?? ""), "", "Members", "", "-".repeat(79), ...members, "The command completed successfully.", ""];
}

/** `reg query <key>` for each key of an autorun location. */
export function regQuery(keys: DeviceProfile["autoruns"][string]): string[] {
  return keys.flatMap((k) => ["", k.key, ...k.values.map(([n, t, v]) => `    ${n}    ${t}    ${v}`)]).concat([""]);
}

/** `systeminfo` (the first block). */
export function systemInfo(d: DeviceProfile, os: string, machineId: string, bootMs: number): string[] {
  const kv = (k: string, v: string) => pad(`${k}:`, 27) + v;
  const name = os === "WindowsServer2022" ? "Microsoft Windows Server 2022 Datacenter" : os === "WindowsServer2019" ? "Microsoft Windows Server 2019 Datacenter" : os === "Windows10" ? "Microsoft Windows 10 Enterprise" : "Microsoft Windows 11 Enterprise";
  return ["", kv("Host Name", d.host), kv("OS Name", name), kv("OS Version", os === "Windows10" ? "10.0.19045 N/A Build 19045" : os.includes("Server") ? "10.0.20348 N/A Build 20348" : "10.0.22631 N/A Build 22631"),
    kv("OS Manufacturer", "Microsoft Corporation"), kv("OS Configuration", d.server ? "Member Server" : "Member Workstation"), kv("System Boot Time", usTime(bootMs).replace(" ", ", ")),
    kv("System Manufacturer", "Microsoft Corporation"), kv("System Model", "Virtual Machine"), kv("Domain", d.domain), kv("Logon Server", "\\\\DC01"),
    kv("Hotfix(s)", "3 Hotfix(s) Installed."), kv("Network Card(s)", "1 NIC(s) Installed."), kv("MDE Machine Id", machineId)];
}

/** `dir` of a user's temp folder. */
export function tempListing(user: string, files: string[], nowMs: number): string[] {
  return ["", ` Directory of C:\\Users\\${user}\\AppData\\Local\\Temp`, "", ...files.map((f, i) => `${usTime(nowMs - (i + 1) * 7_200_000).replace(/:\d\d (AM|PM)$/, " $1").padEnd(24)}${String(4096 * (i + 3)).padStart(15)} ${f}`), `${String(files.length).padStart(16)} File(s)`, ""];
}
