/**
 * Investigation packages: the documented layout per OS (read back with yauzl), contents that
 * depend only on seed + machine + action, hash and size known to the emulator, and a
 * configurable size for benchmarks.
 */
import { createHash } from "node:crypto";
import yauzl from "yauzl";
import { DEFAULT_ACTIONS, DEFAULT_MACHINES as M, defaultScenario } from "../../emulator/scenario/defaultScenario";
import { startHarness, type Harness } from "./harness";

const WINDOWS_FOLDERS = [
  "Autoruns", "Installed programs", "Network connections", "Prefetch files", "Processes", "Scheduled tasks", "Security event log",
  "Services", "Windows Server Message Block (SMB) sessions", "System Information", "Temp Directories", "Users and Groups", "WdSupportLogs",
];

function entries(zip: Buffer): Promise<Map<string, Buffer>> {
  return new Promise((resolve, reject) => {
    yauzl.fromBuffer(zip, { lazyEntries: true }, (err, file) => {
      if (err || !file) return reject(err);
      const out = new Map<string, Buffer>();
      file.on("entry", (entry: yauzl.Entry) => {
        file.openReadStream(entry, (e, stream) => {
          if (e || !stream) return reject(e);
          const chunks: Buffer[] = [];
          stream.on("data", (c: Buffer) => chunks.push(c));
          stream.on("end", () => {
            out.set(entry.fileName, Buffer.concat(chunks));
            file.readEntry();
          });
        });
      });
      file.on("end", () => resolve(out));
      file.on("error", reject);
      file.readEntry();
    });
  });
}

async function collectAndDownload(h: Harness, machine: string): Promise<{ id: string; zip: Buffer }> {
  const token = await h.token();
  const id = (await h.call("POST", `/api/machines/${machine}/collectInvestigationPackage`, { token, body: { Comment: "pkg" } })).json.id;
  await h.emu.advanceClock(10 * 60_000);
  const url = (await h.call("GET", `/api/machineactions/${id}/GetPackageUri`, { token })).json.value;
  const res = await h.call("GET", url);
  expect(res.status).toBe(200);
  return { id, zip: res.bytes };
}

let h: Harness;
beforeEach(async () => {
  h = await startHarness({ control: true });
});
afterEach(() => h.close());

it("lays out a Windows package as documented", async () => {
  const files = await entries((await collectAndDownload(h, M.win11)).zip);
  const folders = new Set([...files.keys()].filter((f) => f.includes("/")).map((f) => f.split("/")[0]));
  expect([...folders].sort()).toEqual([...WINDOWS_FOLDERS].sort());
  for (const f of ["ActiveNetConnections.txt", "Arp.txt", "DnsCache.txt", "IpConfig.txt", "FirewallExecutionLog.txt", "pfirewall.log"]) {
    expect(files.has(`Network connections/${f}`)).toBe(true);
  }
  expect(files.has("CollectionSummaryReport.xls")).toBe(true);
  expect(files.has("Prefetch files/PrefetchFilesList.txt")).toBe(true);
  expect(files.has("WdSupportLogs/MpCmdRunLog.txt")).toBe(true);
  // systeminfo output, UTF-16LE with a BOM (the default scenario's encoding), CRLF line ends
  const info = files.get("System Information/SystemInformation.txt")!;
  expect([...info.subarray(0, 2)]).toEqual([0xff, 0xfe]);
  expect(info.subarray(2).toString("utf16le")).toMatch(/\r\nHost Name:\s+WIN11-WS01\r\n/);
  expect(files.get("Security event log/Security.evtx")!.subarray(0, 8).toString("latin1")).toBe("ElfFile\0");
  expect(files.get("WdSupportLogs/MPSupportFiles.cab")!.subarray(0, 4).toString("latin1")).toBe("MSCF");
  const pf = [...files.keys()].filter((f) => f.startsWith("Prefetch files/") && f.endsWith(".pf"));
  expect(pf.length).toBeGreaterThan(10);
  for (const f of pf) expect(files.get(f)!.subarray(0, 4).toString("latin1")).toBe("MAM\u0004");
});

it("lays out Linux and macOS packages per the reference (macOS-only folders only on macOS)", async () => {
  const linux = [...(await entries((await collectAndDownload(h, M.linux)).zip)).keys()];
  const mac = [...(await entries((await collectAndDownload(h, M.mac)).zip)).keys()];
  const top = (names: string[]) => new Set(names.filter((f) => f.includes("/")).map((f) => f.split("/")[0]));
  for (const folder of ["Disk volume", "File", "Network connections", "Processes", "Services and scheduled tasks", "Users and groups"]) {
    expect(top(linux).has(folder)).toBe(true);
    expect(top(mac).has(folder)).toBe(true);
  }
  for (const macOnly of ["Applications", "History", "Kernel modules", "System security info"]) {
    expect(top(mac).has(macOnly)).toBe(true);
    expect(top(linux).has(macOnly)).toBe(false);
  }
  expect(top(linux).has("Autoruns")).toBe(false);
});

it("reports the package's SHA-256 and size on the control endpoint, matching the download", async () => {
  const { id, zip } = await collectAndDownload(h, M.win11);
  const info = await h.call("GET", `${h.emu.controlUrl}/packages/${id}`);
  expect(info.json).toEqual({ actionId: id, machineId: M.win11, fileName: "WDATP_Investigation_Package.zip", sha256: createHash("sha256").update(zip).digest("hex"), size: zip.length });
  expect(await h.emu.packageInfo(id)).toEqual(info.json);
  expect((await h.call("GET", `${h.emu.controlUrl}/packages/${DEFAULT_ACTIONS.running}`)).status).toBe(404);
});

it("produces the same bytes for the same seed, and different bytes for another seed or action", async () => {
  const sha = (b: Buffer) => createHash("sha256").update(b).digest("hex");
  const a = await collectAndDownload(h, M.win11);
  const twin = await startHarness({ control: true });
  const other = await startHarness({ seed: "another-seed" });
  try {
    const b = await collectAndDownload(twin, M.win11);
    expect(b.id).toBe(a.id);
    expect(sha(b.zip)).toBe(sha(a.zip));
    const c = await collectAndDownload(other, M.win11);
    expect(c.id).not.toBe(a.id);
    expect(sha(c.zip)).not.toBe(sha(a.zip));
    const d = await collectAndDownload(twin, M.win11b);
    expect(sha(d.zip)).not.toBe(sha(a.zip));
  } finally {
    await twin.close();
    await other.close();
  }
});

it("honours packageSizeKiB for benchmark-sized packages", async () => {
  const s = defaultScenario();
  s.machines!.find((m) => m.id === M.win11)!.packageSizeKiB = 2048;
  const big = await startHarness({ scenario: s });
  try {
    const { zip } = await collectAndDownload(big, M.win11);
    expect(Math.abs(zip.length - 2048 * 1024)).toBeLessThan(1024);
    const files = await entries(zip);
    expect(files.has("WdSupportLogs/MPSupportFiles.cab")).toBe(true);
  } finally {
    await big.close();
  }
});
