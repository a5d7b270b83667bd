/**
 * The findings' two passes as a responder sees their result: a fleet where one device has a rare
 * service from AppData, a rare listener and a Defender detection yields them in a responder's
 * order (rarity, network, …, Defender; high before medium before low), each rare item naming
 * every device that has it; an item many devices share is not rare, however it is counted. And
 * memory stays flat: past the rarest threshold the fleet can have, an item keeps no more hosts.
 */
import type { DeviceFacts } from "../../provider/report/facts";
import { findingsOf } from "../../provider/report/findings";
import { Prevalence } from "../../provider/report/findings/common";
import { CATEGORIES, SEVERITIES } from "../../provider/report/schema";

function device(i: number, extra: Partial<DeviceFacts> = {}): DeviceFacts {
  const name = `ws-${String(i).padStart(3, "0")}.contoso.local`;
  return {
    machineId: String(i).padStart(40, "a"), actionId: `act-${i}`, computerDnsName: name, package: { file: `p${i}.zip`, sha256: String(i).padStart(64, "0"), sizeBytes: 1 },
    platform: "windows",
    processes: [{ path: "Processes/Processes.csv", line: 2, name: "svchost.exe", pid: 100, exe: "C:\\Windows\\System32\\svchost.exe", commandLine: "svchost.exe -k netsvcs" }],
    services: [{ path: "Services/Services.csv", line: 2, name: "Spooler", displayName: "Print Spooler", state: "Running", startMode: "Auto", pathName: "C:\\Windows\\System32\\spoolsv.exe", startName: "LocalSystem" }],
    tasks: [], programs: [], autoruns: [],
    sockets: [{ path: "Network connections/ActiveNetConnections.txt", line: 5, proto: "TCP", local: "0.0.0.0:135", port: 135, foreign: "0.0.0.0:0", state: "LISTENING", pid: 100 }],
    members: [], detections: [], collection: [], summaryForm: "html",
    security: { present: false, records: 0, badChunks: 0, badRecords: 0, counts: {}, hours: {}, kept: [] },
    skipped: [], entries: 10,
    ...extra,
  };
}

it("puts the fleet's findings in a responder's order, rare items naming every host", () => {
  const devices = Array.from({ length: 8 }, (_, i) => device(i));
  const odd = devices[3];
  odd.services.push({ path: "Services/Services.csv", line: 3, name: "updsvc", displayName: "Updater", state: "Running", startMode: "Auto", pathName: "C:\\Users\\bob\\AppData\\Roaming\\upd.exe", startName: "LocalSystem" });
  devices[5].services.push({ ...odd.services[1], path: "Services/Services.csv", line: 7, pathName: "C:\\Users\\eve\\AppData\\Roaming\\upd.exe" });
  odd.processes.push({ path: "Processes/Processes.csv", line: 3, name: "nc.exe", pid: 4444, exe: "C:\\Users\\bob\\AppData\\Local\\Temp\\nc.exe", commandLine: "nc -l -p 4444" });
  odd.sockets.push({ path: "Network connections/ActiveNetConnections.txt", line: 6, proto: "TCP", local: "0.0.0.0:4444", port: 4444, foreign: "0.0.0.0:0", state: "LISTENING", pid: 4444 });
  odd.detections.push({ path: "WdSupportLogs/MpCmdRunLog.txt", line: 12, threat: "Trojan:Win32/Test", resource: "file: C:\\x.exe", time: "2025-03-14T09:00:00Z" });

  const findings = findingsOf(devices);
  const rank = (f: (typeof findings)[number]) => CATEGORIES.indexOf(f.category) * 10 + SEVERITIES.indexOf(f.severity);
  expect(findings.map(rank)).toEqual([...findings.map(rank)].sort((a, b) => a - b));
  expect(findings.map((f) => f.id)).toEqual(findings.map((_, i) => `F${String(i + 1).padStart(4, "0")}`));
  const kinds = findings.filter((f) => f.severity === "high").map((f) => `${f.computerDnsName} ${f.kind}`);
  expect(kinds).toEqual([
    "ws-003.contoso.local rare-service", "ws-005.contoso.local rare-service", // the same service under two profiles: one item on two hosts
    "ws-003.contoso.local unusual-listener", "ws-003.contoso.local user-writable-process", "ws-003.contoso.local defender-detection",
  ]);
  expect(findings.find((f) => f.kind === "rare-service")!.hosts).toEqual(["ws-003.contoso.local", "ws-005.contoso.local"]);
  expect(findings.find((f) => f.kind === "unusual-listener")!.evidence).toEqual([
    { packageSha256: odd.package.sha256, package: "p3.zip", path: "Network connections/ActiveNetConnections.txt", line: 6 },
    { packageSha256: odd.package.sha256, package: "p3.zip", path: "Processes/Processes.csv", line: 3 },
  ]);
  // What every device has (Spooler, port 135) is nowhere.
  expect(findings.filter((f) => /Spooler|TCP 135 /.test(f.title))).toEqual([]);
});

it("counts every device of an item but keeps only as many hosts as can still make it rare", () => {
  const p = new Prevalence(3);
  for (let d = 0; d < 1000; d++) {
    p.add("common", d);
    p.add("common", d); // twice on one device counts once
  }
  p.add("rare", 7);
  p.add("rare", 9);
  expect(p.count("common")).toBe(1000);
  expect(p.devices("common")).toHaveLength(3);
  expect([p.count("rare"), p.devices("rare")]).toEqual([2, [7, 9]]);
});
