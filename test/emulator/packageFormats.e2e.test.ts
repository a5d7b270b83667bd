/**
 * Independent checks of the package formats: parsers nobody here wrote read what the emulator
 * writes. libevtx's `evtxexport`/`evtxinfo` and python-evtx (`evtx_dump.py`) parse every
 * Security.evtx without error, unflagged as corrupt, and count per event ID exactly what the
 * generator wrote (plants included); `cabextract -t` accepts MPSupportFiles.cab; `iconv` decodes
 * every Windows .txt/.csv in the scenario's declared encoding; python-xlrd reads the BIFF8 form of
 * CollectionSummaryReport.xls and `file` calls it an Excel compound document. Missing tools skip,
 * saying why.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PackageBuilder } from "../../emulator/packages/packages";
import { ICONV_NAME } from "../../emulator/packages/textEncoding";
import { SUMMARY_FILE, SUMMARY_HEADER, SUMMARY_SHEET, summaryRows } from "../../emulator/packages/collectionSummary";
import { resolveScenario } from "../../emulator/scenario/scenario";
import { DEFAULT_MACHINES as M, defaultScenario } from "../../emulator/scenario/defaultScenario";
import { PLANT_KINDS } from "../../emulator/scenario/plantSchema";
import type { StoredAction } from "../../emulator/persistence/store";
import { unzip } from "../helpers/unzip";

const has = (cmd: string, args: string[]) => spawnSync(cmd, args, { stdio: "ignore" }).error === undefined;
const PY = ["/usr/bin/python3", "python3"].find((p) => spawnSync(p, ["-c", "import Evtx"], { stdio: "ignore" }).status === 0);
const EVTX_DUMP = ["/usr/bin/evtx_dump.py"].find((p) => spawnSync("test", ["-f", p]).status === 0);
const tools = { evtxexport: has("evtxexport", ["-V"]), cabextract: has("cabextract", ["--version"]), iconv: has("iconv", ["--version"]), pythonEvtx: !!(PY && EVTX_DUMP) };
const XLRD_PY = ["/usr/bin/python3", "python3"].find((p) => spawnSync(p, ["-c", "import xlrd"], { stdio: "ignore" }).status === 0);
const xlsTools = { xlrd: !!XLRD_PY, file: has("file", ["--version"]) };
for (const [tool, ok] of Object.entries({ ...tools, ...xlsTools })) {
  if (!ok) console.warn(`skipping the ${tool} checks: ${tool} is not installed (Debian: libevtx-utils, python3-evtx, cabextract, libc-bin, python3-xlrd, file)`);
}

const dir = mkdtempSync(join(tmpdir(), "mde-formats-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A Windows 11 device carrying every kind of plant, in each encoding; the log was cleared before the rest (plants default to 2-72 h ago). */
function scenario(encoding: "utf-16le" | "utf-8") {
  const s = defaultScenario();
  return resolveScenario({ ...s, evidence: { encoding }, plants: PLANT_KINDS.map((kind) => ({ machine: "win11-ws01.contoso.local", kind, ...(kind === "security-log-cleared" ? { hoursAgo: 100 } : {}) })) });
}

const action = (machineId: string, osPlatform: string): StoredAction => ({
  id: "11111111-2222-4333-8444-555555555555", tenantId: "t", machineId, computerDnsName: "win11-ws01.contoso.local", osPlatform, type: "CollectInvestigationPackage",
  requestor: "test", requestorComment: null, createdMs: 0, plan: { pickupMs: 0, workMs: 0, timeoutMs: 0, outcome: "Succeeded", errorHResult: 0 }, packageSizeKiB: null, cancellation: null,
});

describe.each(["utf-16le", "utf-8"] as const)("a Windows package in %s", (encoding) => {
  let files: Map<string, Buffer>;
  let counts: Record<number, number>;
  beforeAll(async () => {
    const s = scenario(encoding);
    const builder = new PackageBuilder("formats-seed", s);
    files = await unzip((await builder.build(action(M.win11, "Windows11"))).bytes);
    counts = (builder as unknown as { logs: Map<string, { counts: Record<number, number> }> }).logs.get(M.win11)!.counts;
    for (const [name, bytes] of files) {
      const target = join(dir, encoding, name);
      execFileSync("mkdir", ["-p", join(target, "..")]);
      writeFileSync(target, bytes);
    }
  });
  const evtx = () => join(dir, encoding, "Security event log/Security.evtx");

  (tools.evtxexport ? it : it.skip)("evtxexport reads every record, per-ID counts equal the generator's, evtxinfo sees no corruption", () => {
    const out = spawnSync("evtxexport", [evtx()], { encoding: "utf8", maxBuffer: 256 * 1024 * 1024 });
    expect(out.status).toBe(0);
    expect(out.stderr).not.toMatch(/unable|error/i);
    const seen: Record<number, number> = {};
    for (const m of out.stdout.matchAll(/Event identifier\s+: 0x[0-9a-f]+ \((\d+)\)/g)) seen[Number(m[1])] = (seen[Number(m[1])] ?? 0) + 1;
    expect(seen).toEqual(counts);
    for (const id of [4624, 4625, 4672, 4688, 4697, 4698, 4720, 4732, 1102]) expect(seen[id]).toBeGreaterThan(0);
    expect(execFileSync("evtxinfo", [evtx()], { encoding: "utf8" })).not.toMatch(/corrupted/i);
  });

  (tools.pythonEvtx ? it : it.skip)("python-evtx dumps every record with the same per-ID counts and the real EventData names", () => {
    const xml = execFileSync(PY!, [EVTX_DUMP!, evtx()], { encoding: "utf8", maxBuffer: 256 * 1024 * 1024 });
    const seen: Record<number, number> = {};
    for (const m of xml.matchAll(/<EventID>(\d+)<\/EventID>/g)) seen[Number(m[1])] = (seen[Number(m[1])] ?? 0) + 1;
    expect(seen).toEqual(counts);
    expect(xml).toMatch(/<Data Name="LogonType">10|<Data Name="LogonType">3/);
    expect(xml).toMatch(/<Data Name="TaskContent">/);
    expect(xml).toMatch(/<Data Name="TargetSid">S-1-5-32-544<\/Data>/);
    expect(xml).toMatch(/<LogFileCleared/);
  });

  (tools.cabextract ? it : it.skip)("cabextract -t accepts MPSupportFiles.cab", () => {
    const out = spawnSync("cabextract", ["-t", join(dir, encoding, "WdSupportLogs/MPSupportFiles.cab")], { encoding: "utf8" });
    expect(out.stderr).toBe("");
    expect(out.status).toBe(0);
    expect(out.stdout).toMatch(/All done, no errors/);
  });

  (tools.iconv ? it : it.skip)(`iconv decodes every .txt and .csv as ${encoding} (after its BOM)`, () => {
    const texts = [...files.keys()].filter((f) => /\.(txt|csv)$/.test(f));
    expect(texts.length).toBeGreaterThan(20);
    for (const f of texts) {
      const bytes = files.get(f)!;
      const bom = encoding === "utf-8" ? [0xef, 0xbb, 0xbf] : [0xff, 0xfe];
      expect([f, ...bytes.subarray(0, bom.length)]).toEqual([f, ...bom]);
      const out = spawnSync("iconv", ["-f", ICONV_NAME[encoding], "-t", "UTF-8", join(dir, encoding, f)], { encoding: "utf8" });
      expect([f, out.status, out.stderr]).toEqual([f, 0, ""]);
      expect(out.stdout.replace(/^\uFEFF/, "")).toMatch(/\r\n$/);
    }
  });
});

describe("CollectionSummaryReport.xls in its BIFF8 form (evidence.summaryReport: biff8)", () => {
  let files: Map<string, Buffer>;
  const xls = join(dir, "biff8", SUMMARY_FILE);
  beforeAll(async () => {
    const s = resolveScenario({ ...defaultScenario(), evidence: { summaryReport: "biff8" } });
    files = await unzip((await new PackageBuilder("formats-seed", s).build(action(M.win11, "Windows11"))).bytes);
    execFileSync("mkdir", ["-p", join(dir, "biff8")]);
    writeFileSync(xls, files.get(SUMMARY_FILE)!);
  });

  (xlsTools.xlrd ? it : it.skip)("python-xlrd opens the workbook: one sheet, the header, one row per data point with its file count", () => {
    const script = "import json,sys,xlrd\nb=xlrd.open_workbook(sys.argv[1])\nprint(json.dumps({'biff':b.biff_version,'sheets':b.sheet_names(),'rows':[b.sheet_by_index(0).row_values(r) for r in range(b.sheet_by_index(0).nrows)]}))";
    const out = spawnSync(XLRD_PY!, ["-c", script, xls], { encoding: "utf8" });
    expect([out.status, out.stderr]).toEqual([0, ""]);
    const book = JSON.parse(out.stdout);
    expect(book.biff).toBe(80);
    expect(book.sheets).toEqual([SUMMARY_SHEET]);
    const others = [...files.keys()].filter((f) => f !== SUMMARY_FILE);
    expect(book.rows).toEqual([SUMMARY_HEADER, ...summaryRows(others)]);
    expect(book.rows.find((r: unknown[]) => r[0] === "Autoruns")).toEqual(["Autoruns", 4, expect.stringContaining("Run.txt"), "Completed", 0]);
  });

  (xlsTools.file ? it : it.skip)("file(1) recognises an Excel compound document (CDFV2 / Composite Document File V2)", () => {
    expect(execFileSync("file", ["-b", xls], { encoding: "utf8" })).toMatch(/^(CDFV2|Composite Document File V2)/);
  });
});
