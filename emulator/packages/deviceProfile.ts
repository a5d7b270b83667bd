/**
 * One Windows device as its investigation package sees it: network identity, users and groups,
 * installed software, services, processes (with PIDs), scheduled tasks, sockets, autoruns and
 * caches. Drawn from the seed and the machine id (the catalog in softwareCatalog.ts decides what
 * is common or rare), then the scenario's plants are applied (devicePlants.ts), so every file
 * the package writes (CSVs, command output, Security.evtx) reads the same facts.
 */
import { SeededRandom } from "../util/ids";
import { primaryUser, type PlantedFinding } from "../scenario/plants";
import { BASE_PROCESSES, BASE_SERVICES, BASE_TASKS, PRODUCTS, type Product } from "./softwareCatalog";
import { applyPlants } from "./devicePlants";

export interface Proc { name: string; pid: number; ppid: number; path: string; commandLine: string }
export interface Service { name: string; displayName: string; pathName: string; startMode: string; state: string; startName: string; pid: number }
export interface Task { name: string; run: string; author: string; runAs: string }
export interface Socket { proto: "TCP" | "UDP"; local: string; foreign: string; state: string; pid: number }
export interface Autorun { key: string; values: Array<[string, string, string]> }

export interface DeviceProfile {
  host: string;
  fqdn: string;
  domain: string;
  /** The domain's SID prefix (S-1-5-21-a-b-c) and the machine's own, for local accounts. */
  domainSid: string;
  machineSid: string;
  /** The primary user's domain SID. */
  userSid: string;
  ip: string;
  mac: string;
  gateway: string;
  dnsServers: string[];
  user: string;
  server: boolean;
  programs: Array<Product & { installDate: string }>;
  services: Service[];
  processes: Proc[];
  tasks: Task[];
  sockets: Socket[];
  /** Autoruns file name → the keys `reg query` printed into it. */
  autoruns: Record<string, Autorun[]>;
  groups: Record<string, string[]>;
  localUsers: Array<{ name: string; rid: number }>;
  arp: Array<[string, string, string]>;
  dnsCache: Array<[string, string]>;
  temp: Record<string, string[]>;
  /** Defender detections for MpCmdRunLog.txt: time, threat, path. */
  detections: Array<{ atMs: number; threat: string; path: string }>;
  plants: PlantedFinding[];
}

const base = (p: string) => p.slice(p.lastIndexOf("\\") + 1);
const sid = (r: SeededRandom) => `S-1-5-21-${r.int(1e9, 4e9)}-${r.int(1e9, 4e9)}-${r.int(1e9, 4e9)}`;

/** A device drawn from `seed` and its id; `plants` are its answer-key entries. */
export function deviceProfile(
  seed: string,
  m: { id: string; computerDnsName: string; osPlatform: string; lastIpAddress?: string | null },
  plants: PlantedFinding[],
  collectedAtMs: number,
): DeviceProfile {
  const r = new SeededRandom(`${seed}|device|${m.id}`);
  const host = m.computerDnsName.split(".")[0].toUpperCase();
  const domain = m.computerDnsName.split(".").slice(1).join(".") || "contoso.local";
  const user = primaryUser(m.id);
  const ip = m.lastIpAddress && /^\d+\.\d+\.\d+\.\d+$/.test(m.lastIpAddress) ? m.lastIpAddress : `10.${r.int(0, 9)}.${r.int(0, 255)}.${r.int(10, 250)}`;
  const net = ip.split(".").slice(0, 3).join(".");
  const server = m.osPlatform.startsWith("WindowsServer");
  const used = new Set<number>();
  const pid = () => {
    let p = 4 * r.int(100, 4000);
    while (used.has(p)) p += 4;
    used.add(p);
    return p;
  };
  for (const p of plants) if (typeof p.indicators.pid === "number") used.add(p.indicators.pid);

  const programs = PRODUCTS.filter((p) => r.next() < p.share).map((p) => ({ ...p, installDate: `2024${String(r.int(1, 12)).padStart(2, "0")}${String(r.int(1, 28)).padStart(2, "0")}` }));
  const processes: Proc[] = [{ name: "System", pid: 4, ppid: 0, path: "", commandLine: "" }];
  const pidOf = (name: string) => processes.find((p) => p.name.toLowerCase() === name.toLowerCase())?.pid ?? 4;
  const addProc = (path: string, parent: string, commandLine = `"${path}"`) => {
    const p = { name: base(path), pid: pid(), ppid: pidOf(parent), path, commandLine };
    processes.push(p);
    return p;
  };
  for (const [path, parent] of BASE_PROCESSES) addProc(path, parent, path.includes("System32") ? path : `"${path}"`);
  const services: Service[] = BASE_SERVICES.map(([name, displayName, pathName, startMode, state, startName]) => {
    const svcPid = state !== "Running" ? 0 : pathName.includes("svchost") ? addProc("C:\\Windows\\system32\\svchost.exe", "services.exe", pathName).pid : pidOf(base(pathName.replace(/"/g, "").split(" ")[0]));
    return { name, displayName, pathName, startMode, state, startName, pid: svcPid };
  });
  const tasks: Task[] = BASE_TASKS.map(([name, run]) => ({ name, run, author: "Microsoft Corporation", runAs: "SYSTEM" }));
  for (const p of programs) {
    const procPath = p.process?.replace("%USER%", user);
    const proc = procPath ? addProc(procPath, procPath.includes("Users") || !p.service ? "explorer.exe" : "services.exe") : undefined;
    if (p.service) {
      const exe = p.service[2].replace(/"/g, "").split(" ")[0];
      const running = proc?.path === exe ? proc : addProc(exe, "services.exe", p.service[2]);
      services.push({ name: p.service[0], displayName: p.service[1], pathName: p.service[2], startMode: "Auto", state: "Running", startName: "LocalSystem", pid: running.pid });
    }
    if (p.task) tasks.push({ name: p.task[0], run: p.task[1], author: p.vendor, runAs: "SYSTEM" });
  }
  const lsass = pidOf("lsass.exe");
  const sockets: Socket[] = [
    { proto: "TCP", local: "0.0.0.0:135", foreign: "0.0.0.0:0", state: "LISTENING", pid: services.find((s) => s.name === "RpcSs")!.pid },
    { proto: "TCP", local: "0.0.0.0:445", foreign: "0.0.0.0:0", state: "LISTENING", pid: 4 },
    { proto: "TCP", local: "0.0.0.0:49664", foreign: "0.0.0.0:0", state: "LISTENING", pid: lsass },
    { proto: "TCP", local: "0.0.0.0:49665", foreign: "0.0.0.0:0", state: "LISTENING", pid: pidOf("wininit.exe") },
    { proto: "TCP", local: `${ip}:139`, foreign: "0.0.0.0:0", state: "LISTENING", pid: 4 },
    ...(server ? [{ proto: "TCP" as const, local: "0.0.0.0:3389", foreign: "0.0.0.0:0", state: "LISTENING", pid: pid() }] : []),
  ];
  const talkers = processes.filter((p) => /msedge|chrome|OUTLOOK|ms-teams|MsSense|Zoom/i.test(p.name));
  for (let i = 0; i < 6 + r.int(0, 6); i++) {
    const t = talkers.length ? r.pick(talkers) : processes[1];
    sockets.push({ proto: "TCP", local: `${ip}:${r.int(49700, 65000)}`, foreign: `${r.pick(["20.190.", "52.96.", "13.107.", "40.126.", "142.250."])}${r.int(0, 255)}.${r.int(1, 254)}:443`, state: r.pick(["ESTABLISHED", "ESTABLISHED", "ESTABLISHED", "TIME_WAIT", "CLOSE_WAIT"]), pid: t.pid });
  }
  sockets.push({ proto: "UDP", local: "0.0.0.0:5353", foreign: "*:*", state: "", pid: services.find((s) => s.name === "Dnscache")!.pid });
  const domainSid = sid(new SeededRandom(`domain|${domain}`));
  const userSid = `${domainSid}-${1100 + (new SeededRandom(`rid|${user}`).int(0, 8000))}`;
  const mac = () => Array.from(r.bytes(3), (b) => b.toString(16).padStart(2, "0")).join("-");
  const profile: DeviceProfile = {
    host, fqdn: m.computerDnsName, domain, domainSid, userSid, machineSid: sid(r), ip,
    mac: `00-15-5d-${mac()}`, gateway: `${net}.1`, dnsServers: [`10.0.0.10`, `10.0.0.11`], user, server, programs, services, processes, tasks, sockets,
    autoruns: {
      "Run.txt": [
        { key: "HKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Run", values: [["SecurityHealth", "REG_EXPAND_SZ", "%windir%\\system32\\SecurityHealthSystray.exe"], ...programs.filter((p) => p.name.startsWith("Cisco")).map((): [string, string, string] => ["Cisco Secure Client UI", "REG_SZ", "\"C:\\Program Files (x86)\\Cisco\\Cisco Secure Client\\UI\\csc_ui.exe\" -minimized"])] },
        { key: `HKEY_USERS\\${userSid}\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Run`, values: [["OneDrive", "REG_SZ", `"C:\\Users\\${user}\\AppData\\Local\\Microsoft\\OneDrive\\OneDrive.exe" /background`]] },
      ],
      "RunOnce.txt": [{ key: "HKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\RunOnce", values: [] }],
      "Winlogon.txt": [{ key: "HKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion\\Winlogon", values: [["Shell", "REG_SZ", "explorer.exe"], ["Userinit", "REG_SZ", "C:\\Windows\\system32\\userinit.exe,"]] }],
      "AppInit_DLLs.txt": [{ key: "HKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion\\Windows", values: [["AppInit_DLLs", "REG_SZ", ""], ["LoadAppInit_DLLs", "REG_DWORD", "0x0"]] }],
    },
    groups: {
      Administrators: ["Administrator", `${domain.split(".")[0].toUpperCase()}\\Domain Admins`, ...(r.next() < 0.2 ? [`${domain.split(".")[0].toUpperCase()}\\${user}`] : [])],
      Users: [`NT AUTHORITY\\Authenticated Users`, `NT AUTHORITY\\INTERACTIVE`, `${domain.split(".")[0].toUpperCase()}\\Domain Users`],
      "Remote Desktop Users": server ? [`${domain.split(".")[0].toUpperCase()}\\IT-Ops`] : [],
    },
    localUsers: [{ name: "Administrator", rid: 500 }, { name: "Guest", rid: 501 }, { name: "DefaultAccount", rid: 503 }, { name: "WDAGUtilityAccount", rid: 504 }],
    arp: [[`${net}.1`, `00-15-5d-${mac()}`, "dynamic"], ...Array.from({ length: r.int(2, 6) }, (): [string, string, string] => [`${net}.${r.int(2, 254)}`, `00-15-5d-${mac()}`, "dynamic"]), [`${net}.255`, "ff-ff-ff-ff-ff-ff", "static"], ["224.0.0.22", "01-00-5e-00-00-16", "static"], ["224.0.0.251", "01-00-5e-00-00-fb", "static"]],
    dnsCache: [["login.microsoftonline.com", `20.190.${r.int(128, 191)}.${r.int(1, 254)}`], ["winatp-gw-weu.microsoft.com", `52.96.${r.int(0, 255)}.${r.int(1, 254)}`], [`dc01.${domain}`, "10.0.0.10"], ["outlook.office365.com", `52.97.${r.int(0, 255)}.${r.int(1, 254)}`], ["wpad", "10.0.0.12"]],
    temp: { [user]: Array.from({ length: r.int(2, 6) }, () => `~DF${r.bytes(4).toString("hex").toUpperCase()}.TMP`) },
    detections: [],
    plants,
  };
  applyPlants(profile, { addProc, pid, collectedAtMs });
  return profile;
}
