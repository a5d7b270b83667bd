/**
 * The four CSVs of a Windows package, with the columns of the tool each imitates, quoted the way
 * PowerShell's Export-Csv -NoTypeInformation and schtasks quote (every field in double quotes).
 */
import type { DeviceProfile } from "./deviceProfile";

const q = (v: string | number) => `"${String(v).replace(/"/g, '""')}"`;
const row = (cells: Array<string | number>) => cells.map(q).join(",");

/** WMI datetime, as Win32_Process.CreationDate prints: yyyymmddHHMMSS.ffffff+000. */
const wmiTime = (ms: number) => new Date(ms).toISOString().replace(/[-:T]/g, "").replace(/\.(\d{3})Z$/, ".$1000+000");
/** schtasks' US-English date form: 3/14/2025 9:30:00 AM. */
export function usTime(ms: number): string {
  const d = new Date(ms);
  const h = d.getUTCHours() % 12 || 12;
  const mm = String(d.getUTCMinutes()).padStart(2, "0");
  const ss = String(d.getUTCSeconds()).padStart(2, "0");
  return `${d.getUTCMonth() + 1}/${d.getUTCDate()}/${d.getUTCFullYear()} ${h}:${mm}:${ss} ${d.getUTCHours() < 12 ? "AM" : "PM"}`;
}

/** `schtasks /query /fo csv /v` (Windows 10/11 column set, en-US). */
export function scheduledTasksCsv(d: DeviceProfile, nowMs: number): string[] {
  const header = ["HostName", "TaskName", "Next Run Time", "Status", "Logon Mode", "Last Run Time", "Last Result", "Author", "Task To Run", "Start In", "Comment",
    "Scheduled Task State", "Idle Time", "Power Management", "Run As User", "Delete Task If Not Rescheduled", "Stop Task If Runs X Hours and X Mins",
    "Schedule", "Schedule Type", "Start Time", "Start Date", "End Date", "Days", "Months", "Repeat: Every", "Repeat: Until: Time", "Repeat: Until: Duration", "Repeat: Stop If Still Running"];
  return [row(header), ...d.tasks.map((t, i) => row([
    d.host, t.name, usTime(nowMs + (i + 1) * 3_600_000), "Ready", "Interactive/Background", usTime(nowMs - (i + 2) * 5_400_000), 0, t.author, t.run, "N/A", "N/A",
    "Enabled", "Disabled", "Stop On Battery Mode, No Start On Batteries", t.runAs, "Disabled", "72:00:00", "Scheduling data is not available in this format.",
    "Daily ", "9:00:00 AM", "1/1/2024", "N/A", "Every 1 day(s)", "N/A", "Disabled", "Disabled", "Disabled", "Disabled",
  ]))];
}

/** `Get-CimInstance Win32_Service | Select-Object … | Export-Csv` (Win32_Service property names). */
export function servicesCsv(d: DeviceProfile): string[] {
  return [row(["Name", "DisplayName", "State", "StartMode", "ProcessId", "PathName", "StartName", "ServiceType"]),
    ...d.services.map((s) => row([s.name, s.displayName, s.state, s.startMode, s.pid, s.pathName, s.startName, s.pathName.includes("svchost") ? "Share Process" : "Own Process"]))];
}

/** `Get-CimInstance Win32_Process | Select-Object … | Export-Csv` (Win32_Process property names). */
export function processesCsv(d: DeviceProfile, bootMs: number): string[] {
  return [row(["Name", "ProcessId", "ParentProcessId", "ExecutablePath", "CommandLine", "CreationDate", "SessionId"]),
    ...d.processes.map((p, i) => row([p.name, p.pid, p.ppid, p.path, p.commandLine, wmiTime(bootMs + i * 1500), /Users|explorer|msedge|chrome|OUTLOOK|Teams|Zoom/i.test(p.path) ? 1 : 0]))];
}

/** `Get-CimInstance Win32_Product | Select-Object … | Export-Csv` (Win32_Product property names). */
export function installedProgramsCsv(d: DeviceProfile, guid: (label: string) => string): string[] {
  return [row(["Name", "Version", "Vendor", "InstallDate", "IdentifyingNumber", "InstallLocation"]),
    ...d.programs.map((p) => row([p.name, p.version, p.vendor, p.installDate, `{${guid(p.name).toUpperCase()}}`, ""]))];
}
