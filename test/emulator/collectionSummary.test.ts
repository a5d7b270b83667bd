/**
 * CollectionSummaryReport.xls in the form the scenario picks: HTML by default, or an Excel
 * 97-2003 workbook (OLE compound file with a BIFF8 Workbook stream) on every platform's package.
 * The structure checks here read the container the way any OLE reader must (header, FAT chain,
 * directory); python-xlrd reads the workbook itself in packageFormats.e2e.test.ts.
 */
import { PackageBuilder } from "../../emulator/packages/packages";
import { CFB_SIGNATURE } from "../../emulator/packages/compoundFile";
import { SUMMARY_FILE, SUMMARY_HEADER } from "../../emulator/packages/collectionSummary";
import { resolveScenario } from "../../emulator/scenario/scenario";
import { DEFAULT_MACHINES as M, defaultScenario } from "../../emulator/scenario/defaultScenario";
import type { StoredAction } from "../../emulator/persistence/store";
import { unzip } from "../helpers/unzip";

const action = (machineId: string, osPlatform: string): StoredAction => ({
  id: "11111111-2222-4333-8444-555555555555", tenantId: "t", machineId, computerDnsName: `${osPlatform.toLowerCase()}.contoso.local`, osPlatform, type: "CollectInvestigationPackage",
  requestor: "test", requestorComment: null, createdMs: 0, plan: { pickupMs: 0, workMs: 0, timeoutMs: 0, outcome: "Succeeded", errorHResult: 0 }, packageSizeKiB: null, cancellation: null,
});

async function summaryOf(form: "html" | "biff8" | undefined, machineId: string, osPlatform: string) {
  const s = resolveScenario({ ...defaultScenario(), ...(form ? { evidence: { summaryReport: form } } : {}) });
  const files = await unzip((await new PackageBuilder("summary-seed", s).build(action(machineId, osPlatform))).bytes);
  const folders = [...new Set([...files.keys()].filter((f) => f.includes("/")).map((f) => f.split("/")[0]))];
  return { xls: files.get(SUMMARY_FILE)!, folders };
}

/** The bytes of the stream named `name`, following its FAT chain (512-byte sectors, no DIFAT sectors). */
function cfbStream(file: Buffer, name: string): Buffer {
  const sector = (n: number) => file.subarray(512 * (n + 1), 512 * (n + 2));
  const fat: number[] = [];
  for (let i = 0; i < file.readUInt32LE(44); i++) {
    const s = sector(file.readUInt32LE(76 + 4 * i));
    for (let j = 0; j < 128; j++) fat.push(s.readUInt32LE(4 * j));
  }
  const dir = sector(file.readUInt32LE(48));
  for (let e = 0; e < 4; e++) {
    const entry = dir.subarray(128 * e, 128 * (e + 1));
    if (entry.subarray(0, entry.readUInt16LE(64) - 2).toString("utf16le") !== name) continue;
    const parts: Buffer[] = [];
    for (let s = entry.readUInt32LE(116); s !== 0xfffffffe; s = fat[s]) parts.push(sector(s));
    return Buffer.concat(parts).subarray(0, entry.readUInt32LE(120));
  }
  throw new Error(`no stream ${name}`);
}

it("writes an HTML table by default, one row per data point", async () => {
  const { xls, folders } = await summaryOf(undefined, M.win11, "Windows11");
  const html = xls.toString("utf8");
  expect(html).toMatch(/^<html /);
  expect(html).toContain(`<tr>${SUMMARY_HEADER.map((h) => `<th>${h}</th>`).join("")}</tr>`);
  expect(folders).toHaveLength(13);
  for (const f of folders) expect(html).toContain(`<tr><td>${f}</td>`);
});

it.each([["Windows11", M.win11], ["Linux", M.linux]])("writes a BIFF8 workbook in an OLE compound file when the scenario asks (%s)", async (os, machineId) => {
  const { xls, folders } = await summaryOf("biff8", machineId, os);
  expect(xls.subarray(0, 8)).toEqual(CFB_SIGNATURE);
  expect([xls.readUInt16LE(26), xls.readUInt16LE(28), xls.readUInt16LE(30)]).toEqual([3, 0xfffe, 9]);
  expect(xls.length % 512).toBe(0);
  const wb = cfbStream(xls, "Workbook");
  // Globals start with a BIFF8 BOF; BOUNDSHEET8 points at the sheet's own BOF; the stream ends with EOF.
  expect([wb.readUInt16LE(0), wb.readUInt16LE(4), wb.readUInt16LE(6)]).toEqual([0x0809, 0x0600, 0x0005]);
  const records: Array<{ id: number; at: number; body: Buffer }> = [];
  for (let at = 0; at + 4 <= wb.length && !(wb.readUInt16LE(at) === 0 && wb.readUInt16LE(at + 2) === 0); at += 4 + wb.readUInt16LE(at + 2)) {
    records.push({ id: wb.readUInt16LE(at), at, body: wb.subarray(at + 4, at + 4 + wb.readUInt16LE(at + 2)) });
  }
  const boundSheet = records.find((r) => r.id === 0x0085)!;
  const sheetBof = records.find((r) => r.at === boundSheet.body.readUInt32LE(0))!;
  expect([sheetBof.id, sheetBof.body.readUInt16LE(2)]).toEqual([0x0809, 0x0010]);
  expect(records.at(-1)!.id).toBe(0x000a);
  const labels = records.filter((r) => r.id === 0x0204).map((r) => r.body.subarray(9, 9 + 2 * r.body.readUInt16LE(6)).toString("utf16le"));
  expect(labels.slice(0, SUMMARY_HEADER.length)).toEqual(SUMMARY_HEADER);
  for (const f of folders) expect(labels).toContain(f);
  expect(records.filter((r) => r.id === 0x0203)).toHaveLength(2 * folders.length); // Files and Error code per row
});
