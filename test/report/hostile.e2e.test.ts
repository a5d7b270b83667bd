/**
 * Hostile packages, each kept with a valid manifest and custody record (so they pass `verify`
 * and reach the parsers): a ZIP bomb entry, CSV and text lines 10 MB wide, a Security.evtx with a
 * bad chunk CRC, entry names that climb out of the folder. The report finishes in bounded time,
 * names each problem on the package it came from, still reads the rest of each package, and
 * writes nothing outside --out.
 */
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PackageBuilder } from "../../emulator/packages/packages";
import { createReport } from "../../provider/report/run";
import { actionFor, fleetScenario, keepPackage, makeZip, testCustodyLog, writeFleet, zipEntries } from "../helpers/reportFleet";

const dir = mkdtempSync(join(tmpdir(), "report-hostile-"));
const evidence = join(dir, "evidence");
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const utf8 = (text: string) => Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text, "utf8")]);
const hostile = (n: number) => ({ id: `${"f".repeat(38)}${String(n).padStart(2, "0")}`, computerDnsName: `hostile-${n}.contoso.local` });

/** Every occurrence of a name (local header and central directory) replaced by another of the same length. */
function patch(zip: Buffer, from: string, to: string): Buffer {
  const out = Buffer.from(zip);
  for (let at = out.indexOf(from); at >= 0; at = out.indexOf(from, at + 1)) out.write(to, at, "latin1");
  return out;
}

beforeAll(async () => {
  const scenario = fleetScenario("hostile", 4);
  await writeFleet(evidence, scenario, "hostile-seed");
  const base = await zipEntries((await new PackageBuilder("hostile-seed", scenario).build(actionFor(scenario.machines[0], 1))).bytes);
  const without = (...paths: string[]) => base.filter((e) => !paths.includes(e.path));
  const log = testCustodyLog();
  const wide = "A".repeat(10 * 1024 * 1024);
  const evtx = Buffer.from(base.find((e) => e.path === "Security event log/Security.evtx")!.bytes);
  evtx[4096 + 65536 + 1000] ^= 0xff;
  const packages: Array<Parameters<typeof makeZip>[0]> = [
    [...without("Processes/Processes.csv"), { path: "Processes/Processes.csv", zeros: 256 * 1024 * 1024 }],
    [...without("Processes/Processes.csv", "Network connections/ActiveNetConnections.txt"),
      { path: "Processes/Processes.csv", bytes: utf8(`"Name","ProcessId","ParentProcessId","ExecutablePath","CommandLine"\r\n"a.exe","8","4","C:\\a.exe","${wide}"\r\n"b.exe","12","4","C:\\b.exe","b"\r\n`) },
      { path: "Network connections/ActiveNetConnections.txt", bytes: utf8(`${wide}\r\n  TCP    0.0.0.0:445            0.0.0.0:0              LISTENING       4\r\n`) }],
    [...without("Security event log/Security.evtx"), { path: "Security event log/Security.evtx", bytes: evtx }],
    // yazl refuses such names, so they are written under same-length stand-ins and patched in after.
    [...base, { path: "xx/xx/escape.txt", bytes: Buffer.from("x") }, { path: "Autoruns/yy/yy/yy/escape2.txt", bytes: Buffer.from("y") }],
  ];
  for (const [i, entries] of packages.entries()) {
    let zip = await makeZip(entries);
    if (i === 3) zip = patch(patch(zip, "xx/xx/escape.txt", "../../escape.txt"), "Autoruns/yy/yy/yy/escape2.txt", "Autoruns/../../../escape2.txt");
    await keepPackage(evidence, log, hostile(i), `00000000-0000-4000-8000-99999999999${i}`, zip);
  }
}, 120_000);

it("reports each hostile package as such, reads the rest, and writes only into --out", async () => {
  const before = readdirSync(dir).sort();
  const evidenceBefore = readdirSync(evidence).sort();
  const started = Date.now();
  const { report } = await createReport({ location: evidence, outDir: join(dir, "out") });
  expect(Date.now() - started).toBeLessThan(90_000);
  const pkg = (n: number) => report.packages.find((p) => p.machineId === hostile(n).id)!;
  const notes = (n: number) => pkg(n).skipped.map((s) => `${s.path}: ${s.reason}`).join("\n");

  expect(pkg(0).verified).toBe(true);
  expect(notes(0)).toMatch(/Processes\/Processes\.csv: not read: compression ratio \d+:1 .* looks like a ZIP bomb/);
  expect(report.findings.some((f) => f.machineId === hostile(0).id && f.kind === "unreadable-content" && /ZIP bomb/.test(f.title))).toBe(true);
  expect(pkg(0).security.records).toBeGreaterThan(100); // the rest of the package was read

  expect(notes(1)).toMatch(/Processes\/Processes\.csv: field longer than 32768 characters, cut/);
  expect(notes(1)).toMatch(/ActiveNetConnections\.txt: line longer than 32768 characters, cut/);
  expect(pkg(1).security.records).toBeGreaterThan(100);

  expect(pkg(2).security.badChunks).toBe(1);
  expect(notes(2)).toMatch(/Security\.evtx: chunk 2: event records CRC32 does not match, chunk skipped/);
  expect(report.findings.some((f) => f.machineId === hostile(2).id && f.kind === "unreadable-content" && f.severity === "medium")).toBe(true);

  // Climbing entry names: either refused by the ZIP reader (then the package is unverified) or read as names only.
  expect(pkg(3).verified ? pkg(3).security.records > 0 : pkg(3).problems.length > 0).toBe(true);

  expect(readdirSync(dir).sort()).toEqual([...before, "out"].sort());
  expect(readdirSync(evidence).sort()).toEqual(evidenceBefore);
  expect(readdirSync(join(dir, "out")).every((f) => /^(report\.(html|json)|findings-[a-z0-9_-]+\.csv)$/.test(f))).toBe(true);
}, 120_000);
