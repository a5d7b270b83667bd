/**
 * Planted findings: a scenario names devices and kinds; bad plants fail at load with their line;
 * the answer key (scenario output and control endpoint) says what is where, and the package
 * shows each trace with the same values in every file (PID in netstat and Processes.csv, the
 * account in the group listing, the task in the schtasks CSV). Unplanted fleets vary by seed.
 */
import yauzl from "yauzl";
import { PackageBuilder } from "../../emulator/packages/packages";
import { parseScenarioText, resolveScenario, ScenarioError } from "../../emulator/scenario/scenario";
import { DEFAULT_MACHINES as M, defaultScenario } from "../../emulator/scenario/defaultScenario";
import type { StoredAction } from "../../emulator/persistence/store";
import { startHarness } from "./harness";

const YAML = (plants: string) => `tenants:
  - id: 11111111-2222-4333-8444-555555555555
apps:
  - clientId: 22222222-2222-4333-8444-555555555555
    clientSecret: s3cret
    displayName: App
machines:
  - id: ${"ab".repeat(20)}
    computerDnsName: ws1.fabrikam.local
    osPlatform: Windows11
  - id: ${"cd".repeat(20)}
    computerDnsName: lnx1.fabrikam.local
    osPlatform: Linux
plants:
${plants}`;

const error = (text: string) => {
  try {
    parseScenarioText(text, "drill.yaml");
  } catch (e) {
    if (e instanceof ScenarioError) return e.message;
    throw e;
  }
  throw new Error("expected a ScenarioError");
};

it("refuses a plant on an unknown device, of an unknown kind, or on a non-Windows device, naming the line", () => {
  expect(error(YAML("  - machine: ws9.fabrikam.local\n    kind: temp-listener\n"))).toMatch(/drill\.yaml:15:\d+: plants\[0\]\.machine: unknown machine 'ws9\.fabrikam\.local'/);
  expect(error(YAML("  - machine: ws1.fabrikam.local\n    kind: rootkit\n"))).toMatch(/drill\.yaml:16:\d+: plants\[0\]\.kind: .*run-key-autorun/);
  expect(error(YAML("  - machine: lnx1.fabrikam.local\n    kind: new-local-admin\n"))).toMatch(/drill\.yaml:16:\d+: plants\[0\]\.kind: 'new-local-admin' is a Windows trace/);
  expect(error(YAML("  - machine: ws1.fabrikam.local\n    kind: logon-burst\n") + "evidence:\n  securityLogMiB: 100000\n")).toMatch(/evidence\.securityLogMiB/);
});

const action = (machineId: string, dns: string): StoredAction => ({
  id: "11111111-2222-4333-8444-555555555555", tenantId: "t", machineId, computerDnsName: dns, osPlatform: "Windows11", type: "CollectInvestigationPackage",
  requestor: "test", requestorComment: null, createdMs: 0, plan: { pickupMs: 0, workMs: 0, timeoutMs: 0, outcome: "Succeeded", errorHResult: 0 }, packageSizeKiB: null, cancellation: null,
});

async function texts(zip: Buffer): Promise<Map<string, string>> {
  return new Promise((resolve, reject) => {
    yauzl.fromBuffer(zip, { lazyEntries: true }, (err, file) => {
      if (err || !file) return reject(err);
      const out = new Map<string, string>();
      file.on("entry", (e: yauzl.Entry) => file.openReadStream(e, (x, s) => {
        if (x || !s) return reject(x);
        const c: Buffer[] = [];
        s.on("data", (b: Buffer) => c.push(b)).on("end", () => {
          const b = Buffer.concat(c);
          out.set(e.fileName, b[0] === 0xff && b[1] === 0xfe ? b.subarray(2).toString("utf16le") : b.toString("utf8"));
          file.readEntry();
        });
      }));
      file.on("end", () => resolve(out));
      file.readEntry();
    });
  });
}

it("writes each plant's indicators into every file the answer key names", async () => {
  const s = resolveScenario({ ...defaultScenario(), plants: ["temp-listener", "new-local-admin", "encoded-powershell-task", "user-writable-service", "run-key-autorun", "defender-detection"].map((kind) => ({ machine: M.win11b, kind: kind as never })) });
  const key = s.answerKey;
  expect(key.map((k) => k.kind)).toHaveLength(6);
  const files = await texts((await new PackageBuilder("seed-1", s).build(action(M.win11b, "win11-ws02.contoso.local"))).bytes);
  for (const k of key) for (const f of k.files) expect([k.kind, f, files.has(f)]).toEqual([k.kind, f, true]);
  const ind = (kind: string) => key.find((k) => k.kind === kind)!.indicators;
  const listener = ind("temp-listener");
  expect(files.get("Network connections/ActiveNetConnections.txt")).toMatch(new RegExp(`TCP\\s+0\\.0\\.0\\.0:${listener.port}\\s+0\\.0\\.0\\.0:0\\s+LISTENING\\s+${listener.pid}\\r\\n`));
  expect(files.get("Processes/Processes.csv")).toContain(`"${listener.process}","${listener.pid}",`);
  expect(files.get("Users and Groups/Administrators.txt")).toContain(`WIN11-WS02\\${ind("new-local-admin").account}\r\n`);
  expect(files.get("Scheduled tasks/ScheduledTasks.csv")).toContain(`"${ind("encoded-powershell-task").command}"`);
  expect(files.get("Services/Services.csv")).toContain(`"${ind("user-writable-service").serviceName}"`);
  expect(files.get("Autoruns/Run.txt")).toContain(String(ind("run-key-autorun").path));
  expect(files.get("WdSupportLogs/MpCmdRunLog.txt")).toContain(`Threat                  : ${ind("defender-detection").threat}`);
  // every PID netstat names is a process in Processes.csv
  const pids = new Set([...files.get("Processes/Processes.csv")!.matchAll(/^"[^"]*","(\d+)"/gm)].map((m) => m[1]));
  for (const m of files.get("Network connections/ActiveNetConnections.txt")!.matchAll(/(\d+)\r\n/g)) expect(pids.has(m[1])).toBe(true);
});

it("keeps unplanted devices ordinary and varied: common software everywhere, rare software on few, and the same by seed", async () => {
  const s = resolveScenario({ ...defaultScenario(), fleet: { count: 40 } });
  const wins = s.machines.filter((m) => m.osPlatform.startsWith("Windows")).slice(0, 8);
  const programs = async (seed: string) => Promise.all(wins.map(async (m) => (await texts((await new PackageBuilder(seed, s).build({ ...action(m.id, m.computerDnsName), osPlatform: m.osPlatform })).bytes)).get("Installed programs/InstalledPrograms.csv")!));
  const a = await programs("fleet-seed");
  expect(a.every((csv) => csv.includes('"Microsoft Edge"'))).toBe(true);
  expect(a.filter((csv) => csv.includes('"AnyDesk"') || csv.includes('"Wireshark')).length).toBeLessThan(5);
  expect(new Set(a).size).toBeGreaterThan(5);
  expect(await programs("fleet-seed")).toEqual(a);
  expect(a.join("").includes("Temp\\\\")).toBe(false);
});

it("lists the answer key on the control endpoint", async () => {
  const h = await startHarness({ control: true, scenario: { ...defaultScenario(), plants: [{ machine: "win11-ws01.contoso.local", kind: "logon-burst" }] } });
  try {
    const res = await h.call("GET", `${h.emu.controlUrl}/plants`);
    expect(res.json.plants).toEqual(h.emu.scenario.answerKey);
    expect(res.json.plants[0]).toMatchObject({ machineId: M.win11, kind: "logon-burst", files: ["Security event log/Security.evtx"] });
  } finally {
    await h.close();
  }
});
