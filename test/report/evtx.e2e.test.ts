/**
 * The report's own EVTX reader against an independent one: libevtx's `evtxexport` (Debian
 * libevtx-utils) reads the same emulator-written Security.evtx, and for every record both agree
 * on the record number, the event id and each data string (hex numbers compared by value, text
 * case-insensitively only for GUIDs). Two implementations written apart (the emulator's writer,
 * this reader) plus a third party as referee. Skips, saying why, without evtxexport.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { readEvtx } from "../../provider/report/evtx/chunks";
import type { EvtxEvent } from "../../provider/report/evtx/event";
import { SkipLog } from "../../provider/report/parse/limits";
import { createReport } from "../../provider/report/run";
import { fleetScenario, sampleSecurityLog, writeFleet, zipEntry } from "../helpers/reportFleet";
import { readFileSync } from "node:fs";

const hasTool = spawnSync("evtxexport", ["-V"], { stdio: "ignore" }).error === undefined;
if (!hasTool) console.warn("skipping the evtxexport cross-check: evtxexport is not installed (Debian package libevtx-utils)");

interface Exported { number: string; id: number; strings: string[] }

function evtxexport(file: string): Exported[] {
  const out = spawnSync("evtxexport", [file], { encoding: "utf8", maxBuffer: 512 * 1024 * 1024 });
  expect(out.status).toBe(0);
  const records: Exported[] = [];
  for (const block of out.stdout.split(/\n\n+/)) {
    const number = /^Event number\s*:\s*(\d+)/m.exec(block)?.[1];
    const id = /^Event identifier\s*:.*\((\d+)\)/m.exec(block)?.[1];
    if (!number || !id) continue;
    records.push({ number, id: Number(id), strings: [...block.matchAll(/^String: \d+\s*:\s?(.*)$/gm)].map((m) => m[1]) });
  }
  return records;
}

/** evtxexport prints a multi-line string's first line after "String: n :" (the rest unlabelled): compare first lines. */
const norm = (s: string) => {
  const first = s.split(/\r?\n/)[0].trim();
  return /^0x[0-9a-f]+$/i.test(first) ? `0x${BigInt(first).toString(16)}` : /^\{[0-9a-f-]+\}$/i.test(first) ? first.toLowerCase() : first;
};

(hasTool ? describe : describe.skip)("Security.evtx read by the report and by evtxexport", () => {
  const dir = mkdtempSync(join(tmpdir(), "report-evtx-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it.each([["the default log", undefined], ["a 2 MiB log", 2]])("agree record by record on %s", async (_name, mib) => {
    const bytes = await sampleSecurityLog(mib);
    const file = join(dir, `Security-${mib ?? "default"}.evtx`);
    writeFileSync(file, bytes);
    const mine: EvtxEvent[] = [];
    const skip = new SkipLog("Security.evtx");
    await readEvtx([bytes], { records: 1e9, evtxBytes: 1e12 }, skip, (e) => mine.push(e));
    expect(skip.list()).toEqual([]);
    const theirs = evtxexport(file);
    expect(mine.length).toBe(theirs.length);
    expect(mine.length).toBeGreaterThan(100);
    const ids = new Set(mine.map((e) => e.eventId));
    for (const id of [4624, 4625, 4672, 4688, 4697, 4698, 4720, 4732, 1102]) expect(ids).toContain(id);
    const mismatches: string[] = [];
    mine.forEach((e, i) => {
      const t = theirs[i];
      if (e.recordId !== t.number || e.eventId !== t.id) mismatches.push(`record ${e.record}: ${e.recordId}/${e.eventId} vs ${t.number}/${t.id}`);
      else if (t.strings.length && JSON.stringify(Object.values(e.data).map(norm)) !== JSON.stringify(t.strings.map(norm))) mismatches.push(`record ${e.record} (${e.eventId}): ${JSON.stringify(Object.values(e.data))} vs ${JSON.stringify(t.strings)}`);
    });
    expect(mismatches.slice(0, 5)).toEqual([]);
  });

  it("leads every Security-log finding to its record: the EventRecordID it cites is, for evtxexport, that event", async () => {
    const { PLANT_KINDS } = await import("../../emulator/scenario/plantSchema");
    const plants = PLANT_KINDS.map((kind) => ({ machine: "ws-00001.contoso.local", kind, ...(kind === "security-log-cleared" ? { hoursAgo: 100 } : {}) }));
    const evidence = join(dir, "fleet");
    await writeFleet(evidence, fleetScenario("evtx-links", 1, plants), "evtx-links-seed");
    const { report } = await createReport({ location: evidence, outDir: join(dir, "links-out"), custody: false });
    const cited = report.findings.filter((f) => f.category === "security-log");
    expect(new Set(cited.map((f) => f.kind))).toEqual(new Set(["logon-burst", "log-cleared", "service-installed", "task-created", "account-created", "group-member-added"]));
    const e = cited[0].evidence[0];
    const file = join(dir, "cited.evtx");
    writeFileSync(file, await zipEntry(readFileSync(join(evidence, e.package)), e.path));
    const byNumber = new Map(evtxexport(file).map((r) => [r.number, r]));
    const wrong: string[] = [];
    for (const f of cited) {
      for (const ref of f.evidence) {
        const want = f.kind === "logon-burst" ? [4625, 4624] : [Number(f.details.eventId)];
        const got = byNumber.get(ref.eventRecordId ?? "")?.id;
        if (!ref.record || got === undefined || !want.includes(got)) wrong.push(`${f.id} ${f.kind}: record ${ref.record} EventRecordID ${ref.eventRecordId} is ${got}`);
      }
    }
    expect(wrong).toEqual([]);
  });
});
