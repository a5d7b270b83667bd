/**
 * The report's files in `--out`, put in place so that a report killed at any moment (a runner
 * cancelled, a machine that loses power) never leaves a page that looks complete but is not:
 * every file is written whole under a temporary name first (`.<name>.<pid>-<8 hex>.tmp`, the
 * writers' naming verify knows), then the previous report.html is removed, the CSVs and
 * report.json take their names, and report.html, the page a responder opens, takes its name
 * last. So a report.html in `--out` always stands beside the report.json and CSVs of its own
 * run; a kill before that leaves no page (and the previous run's, whole, until then).
 *
 * What a killed run leaves behind of its own naming (those temporary files, and on systems that
 * cannot remove an open file, its facts spill: spill.ts) is removed by the next run into the
 * same folder, once no live process owns it.
 */
import { randomBytes } from "node:crypto";
import { open, readdir, rename, rm } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { sha256Hex } from "../evidence/custodyLog";
import { syncDirectory } from "../evidence/files";
import { csvName, findingCsvs } from "./csvOut";
import { renderPage } from "./page/render";
import type { TriageReport } from "./schema";
import { SPILL_NAME } from "./spill";

export interface WrittenReport {
  html: string;
  json: string;
  csvs: string[];
  /** SHA-256 of report.html and of report.json, as the custody event records them. */
  htmlSha256: string;
  jsonSha256: string;
}

/** A temporary file of one of the report's outputs: `.report.json.<pid>-<8 hex>.tmp`. */
const OUTPUT_TEMP = /^\.(report\.json|report\.html|findings-[a-z0-9_-]+\.csv)\.(\d+)-[0-9a-f]{8}\.tmp$/;

/** Named steps, for the kill-point test: where a kill may land. */
export type OutputStep = "staged" | `placed ${string}`;

export async function writeOutputs(report: TriageReport, dir: string, onStep: (step: OutputStep) => void = () => undefined): Promise<WrittenReport> {
  const jsonText = `${JSON.stringify(report, null, 2)}\n`;
  const htmlText = renderPage(report);
  const html = join(dir, "report.html");
  const json = join(dir, "report.json");
  const csvs = [...findingCsvs(report.findings)].map(([kind, text]) => ({ file: join(dir, csvName(kind)), text }));
  const order = [...csvs, { file: json, text: jsonText }, { file: html, text: htmlText }];
  const staged: string[] = [];
  try {
    for (const { file, text } of order) staged.push(await stage(file, text));
    onStep("staged");
    await rm(html, { force: true });
    for (const [i, { file }] of order.entries()) {
      await rename(staged[i], file);
      onStep(`placed ${basename(file)}`);
    }
    staged.length = 0;
    await syncDirectory(dir);
  } finally {
    for (const tmp of staged) await rm(tmp, { force: true });
  }
  return { html, json, csvs: csvs.map((c) => c.file), htmlSha256: sha256Hex(htmlText), jsonSha256: sha256Hex(jsonText) };
}

/** `text` written whole and flushed under a temporary name beside `file`; returns that name. */
async function stage(file: string, text: string): Promise<string> {
  const tmp = join(dirname(file), `.${basename(file)}.${process.pid}-${randomBytes(4).toString("hex")}.tmp`);
  const fh = await open(tmp, "wx", 0o644);
  try {
    await fh.writeFile(text);
    await fh.sync();
  } finally {
    await fh.close();
  }
  return tmp;
}

/** Removes what killed runs of the report left in `dir` (temporary outputs, facts spills) whose process is gone. */
export async function removeStale(dir: string): Promise<string[]> {
  const removed: string[] = [];
  for (const name of await readdir(dir)) {
    const pid = Number(OUTPUT_TEMP.exec(name)?.[2] ?? SPILL_NAME.exec(name)?.[1]);
    if (!pid || pid === process.pid || isAlive(pid)) continue;
    await rm(join(dir, name), { force: true });
    removed.push(name);
  }
  return removed;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: it exists, owned by someone else.
    return (err as { code?: string }).code === "EPERM";
  }
}
