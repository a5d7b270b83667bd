/**
 * Writes a scenario's plants into a device profile, using the answer key's own indicators (the
 * same PID, path, port, account), so the CSVs, the command output and the Security log all show
 * the trace consistently. Security events of plants are added by securityTimeline.ts.
 */
import type { DeviceProfile, Proc } from "./deviceProfile";

export interface PlantHelpers {
  addProc: (path: string, parent: string, commandLine?: string) => Proc;
  pid: () => number;
  collectedAtMs: number;
}

const base = (p: string) => p.slice(p.lastIndexOf("\\") + 1);

export function applyPlants(d: DeviceProfile, h: PlantHelpers): void {
  const explorer = d.processes.find((p) => p.name === "explorer.exe")?.pid ?? 4;
  const services = d.processes.find((p) => p.name === "services.exe")?.pid ?? 4;
  const run = (path: string, pid: number, ppid: number, commandLine = `"${path}"`) => d.processes.push({ name: base(path), pid, ppid, path, commandLine });
  for (const p of d.plants) {
    const i = p.indicators;
    switch (p.kind) {
      case "run-key-autorun":
        d.autoruns["Run.txt"][1].values.push([String(i.valueName), "REG_SZ", `"${i.path}"`]);
        run(String(i.path), Number(i.pid), explorer);
        break;
      case "user-writable-service":
        d.services.push({ name: String(i.serviceName), displayName: String(i.serviceName), pathName: String(i.path), startMode: "Auto", state: "Running", startName: "LocalSystem", pid: Number(i.pid) });
        run(String(i.path), Number(i.pid), services);
        break;
      case "encoded-powershell-task":
        d.tasks.push({ name: String(i.taskName), run: String(i.command), author: `${d.domain.split(".")[0].toUpperCase()}\\${d.user}`, runAs: "SYSTEM" });
        break;
      case "new-local-admin":
        d.localUsers.push({ name: String(i.account), rid: Number(i.rid) });
        d.groups.Administrators.push(`${d.host}\\${i.account}`);
        d.groups.Users.push(`${d.host}\\${i.account}`);
        break;
      case "temp-listener":
        run(String(i.path), Number(i.pid), explorer);
        d.sockets.splice(5, 0, { proto: "TCP", local: `0.0.0.0:${i.port}`, foreign: "0.0.0.0:0", state: "LISTENING", pid: Number(i.pid) });
        (d.temp[d.user] ??= []).push(String(i.process));
        break;
      case "defender-detection":
        d.detections.push({ atMs: Date.parse(p.at), threat: String(i.threat), path: String(i.path) });
        break;
      case "logon-burst":
      case "security-log-cleared":
        break; // Security.evtx only
    }
  }
}
