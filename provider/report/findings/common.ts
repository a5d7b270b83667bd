/**
 * What every finding rule shares: a finding's evidence reference from a parsed row, the test for
 * a user-writable path, the normal form of paths and registry keys (so one program installed
 * under two user profiles counts as one item), and the fleet prevalence of an item.
 */
import type { DeviceFacts, Place } from "../facts";
import type { EvidenceRef, Finding } from "../schema";

export type Draft = Omit<Finding, "id">;

/** What a device is judged against: the Windows devices of the fleet, how many of them make an item rare, and their names (by index). */
export interface Fleet {
  size: number;
  rareMax: number;
  names: readonly string[];
}

export function ref(d: DeviceFacts, p: Place): EvidenceRef {
  return { packageSha256: d.package.sha256, package: d.package.file, path: p.path, ...(p.line ? { line: p.line } : {}), ...(p.record ? { record: p.record } : {}), ...(p.eventRecordId ? { eventRecordId: p.eventRecordId } : {}) };
}

export function draft(d: DeviceFacts, f: Omit<Draft, "machineId" | "computerDnsName">): Draft {
  return { ...f, machineId: d.machineId, computerDnsName: d.computerDnsName };
}

/**
 * Folders any user can write to: profiles (AppData, Temp, Downloads, Public), ProgramData, the
 * Windows temp folder, the recycle bin, PerfLogs. Defender's own platform folder under ProgramData
 * is locked down and is where Defender runs from, so it is not counted.
 */
const WRITABLE = /(^|[\\/"])(users[\\/]|programdata[\\/]|windows[\\/]temp[\\/]|\$recycle\.bin|perflogs[\\/])|%(appdata|localappdata|temp|tmp|userprofile|public|programdata)%/i;
const LOCKED = /programdata[\\/]microsoft[\\/]windows defender[\\/]/i;

export const isUserWritable = (path: string) => WRITABLE.test(path) && !LOCKED.test(path);

/** The executable of a command line or service path: `"C:\a b\x.exe" -k` → `C:\a b\x.exe`. */
export function executableOf(commandLine: string): string {
  const t = commandLine.trim();
  if (t.startsWith('"')) return t.slice(1, t.indexOf('"', 1) > 0 ? t.indexOf('"', 1) : undefined);
  const exe = /^(.*?\.(exe|com|bat|cmd|ps1|vbs|js|dll|scr))(\s|,|$)/i.exec(t);
  return exe ? exe[1] : t.split(/\s+/)[0];
}

/** Profile names and SIDs replaced, lower case: the same item on every device has the same key. */
export function normalise(text: string): string {
  return text
    .toLowerCase()
    .replace(/([\\/]users[\\/])(?!public[\\/])[^\\/]+/g, "$1<user>")
    .replace(/s-1-5-21-\d+-\d+-\d+-\d+/g, "<sid>")
    .replace(/\s+/g, " ")
    .trim();
}

/** Commands that hide what they run: encoded PowerShell, download cradles. */
export const OBFUSCATED = /\s-(e|en|enc|encodedcommand|ec)\s+[A-Za-z0-9+/=]{16,}|\biex\b|invoke-expression|downloadstring|frombase64string/i;

/**
 * How many devices have each item, and which ones while they are few: the fleet's first pass adds
 * every device's keys (devices in order, one at a time), the second judges each device against the
 * counts. Past `keepHosts` devices an item is common and only counted, so memory grows with the
 * number of distinct items, not with the fleet (each key string is held once, by the map).
 */
export class Prevalence {
  private readonly items = new Map<string, { n: number; last: number; hosts: number[] }>();

  constructor(private readonly keepHosts: number = Number.MAX_SAFE_INTEGER) {}

  add(key: string, device: number): void {
    const e = this.items.get(key);
    if (!e) return void this.items.set(key, { n: 1, last: device, hosts: [device] });
    if (e.last === device) return;
    e.n++;
    e.last = device;
    if (e.hosts.length < this.keepHosts) e.hosts.push(device);
  }

  count(key: string): number {
    return this.items.get(key)?.n ?? 0;
  }

  /** The devices that have the item (every one while it is rare). */
  devices(key: string): number[] {
    return this.items.get(key)?.hosts ?? [];
  }
}
