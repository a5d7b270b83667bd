/**
 * Benchmark of the triage report (`mde-forensics report`, provider/report): report time and peak
 * RSS (the report process's own: peakRssMiB) for fleets of default packages and for packages with
 * a large Security log, and the time report.html of the largest fleet takes to open in Chromium. Not a test; results print as a
 * Markdown table (bench/README.md, "Triage report").
 *
 *   node dist/bench/triageReport.js [--sizes 10,100,1000] [--large-log 100x100] [--open]
 *
 * Each report runs in a child process of its own (a clean heap, so its peak RSS is its own), as
 * `mde-forensics report` runs it (provider/report/worker.ts: in a worker whose young generation
 * is bounded), with MDE_REPORT_MEMORY=1 (provider/report/memoryTrace.ts) for the live heap;
 * packages are generated first by the emulator's package builder, outside the timing. A large-log
 * package takes seconds to build, so that case keeps ONE built package under every device's id
 * (byte-identical copies, each with its own manifest and custody line): the report reads each in full.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { MEMORY_TRACE_ENV } from "../provider/report/memoryTrace";
import { reportCommand } from "../provider/report/worker";
import { mkdirSync } from "node:fs";
// Types only at the top: the child that runs the report loads what `mde-forensics report` loads, not the package builder.
import type { Scenario } from "../emulator/scenario/scenario";

interface Row { case: string; packages: number; bytes: number; seconds: number; peakRssMiB: number; liveHeapMiB: number; findings: number; htmlMiB: number }

async function child(location: string, out: string): Promise<void> {
  const started = process.hrtime.bigint();
  const code = await reportCommand([location, "--out", out, "--no-custody", "--quiet"]);
  if (code !== 0) throw new Error(`the report exited with ${code}`);
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const findings = (JSON.parse(readFileSync(join(out, "report.json"), "utf8")) as { findings: unknown[] }).findings.length;
  const htmlMiB = statSync(join(out, "report.html")).size / 1048576;
  // After the report's own summary lines (the worker's stdout): the last line is the measurement.
  process.stdout.write(`\n${JSON.stringify({ seconds, peakRssMiB: peakRssMiB(), findings, htmlMiB })}\n`);
}

/**
 * This process's own peak RSS: Linux's VmHWM. Not `resourceUsage().maxRSS`: Linux keeps a
 * process's maxrss across exec, so a child spawned by this benchmark's parent (which has just
 * built hundreds of packages, or a 100 MiB log) reported the parent's peak as its own: 456 MiB
 * for a 1000-package report whose process peaked at 190.
 */
function peakRssMiB(): number {
  const hwm = existsSync("/proc/self/status") ? /^VmHWM:\s+(\d+) kB/m.exec(readFileSync("/proc/self/status", "utf8")) : null;
  return hwm ? Number(hwm[1]) / 1024 : process.resourceUsage().maxRSS / 1024;
}

/** The largest `live=` of the report's memory lines (every 10th package, after a full collection: what the report holds). */
function liveHeapMiB(stderr: string): number {
  return Math.max(0, ...[...stderr.matchAll(/ live=([\d.]+)/g)].map((m) => Number(m[1])));
}

/** The first Windows machine's package, kept under every machine's id (so `count` packages, all read as Windows). */
async function writeCopies(dir: string, scenario: Scenario): Promise<void> {
  const { PackageBuilder } = await import("../emulator/packages/packages");
  const { actionFor, keepPackage, testCustodyLog } = await import("./evidenceFleet");
  mkdirSync(dir, { recursive: true });
  const first = scenario.machines.find((m) => m.osPlatform.startsWith("Windows"))!;
  const { bytes } = await new PackageBuilder("bench-report", scenario).build(actionFor(first, 1));
  const log = testCustodyLog();
  let n = 0;
  for (const m of scenario.machines) await keepPackage(dir, log, m, actionFor(m, ++n).id, bytes);
}

function folderBytes(dir: string): number {
  return Number(execFileSync("du", ["-sb", dir], { encoding: "utf8" }).split("\t")[0]);
}

async function measure(name: string, count: number, logMiB: number | undefined, work: string): Promise<Row> {
  const evidence = join(work, `${name}-evidence`);
  const { fleetScenario, writeFleet } = await import("./evidenceFleet");
  const scenario = fleetScenario(`bench-${name}`, count, [], logMiB ? { securityLogMiB: logMiB } : undefined);
  if (logMiB) await writeCopies(evidence, scenario);
  else await writeFleet(evidence, scenario, "bench-report");
  const out = join(work, `${name}-report`);
  const run = spawnSync(process.execPath, ["--expose-gc", __filename, "--child", evidence, out], { encoding: "utf8", maxBuffer: 64 << 20, env: { ...process.env, [MEMORY_TRACE_ENV]: "1" } });
  if (run.status !== 0) throw new Error(`the report's child failed (${run.status}): ${run.stderr.slice(-2000)}`);
  const m = JSON.parse(run.stdout.trim().split("\n").pop()!) as Omit<Row, "case" | "packages" | "bytes" | "liveHeapMiB">;
  return { case: name, packages: count, bytes: folderBytes(evidence), ...m, liveHeapMiB: liveHeapMiB(run.stderr) };
}

async function openTime(html: string): Promise<number | string> {
  if (!existsSync("/usr/bin/chromium")) return "no /usr/bin/chromium";
  const { chromium } = await import("playwright-core");
  const profile = mkdtempSync(join(tmpdir(), "bench-chromium-"));
  const ctx = await chromium.launchPersistentContext(profile, { executablePath: "/usr/bin/chromium", headless: true, args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"] });
  try {
    const page = await ctx.newPage();
    const started = Date.now();
    await page.goto(`file://${html}`);
    await page.locator("#grid .tile").first().waitFor();
    await page.locator('table[data-table="findings"] tbody tr').first().waitFor();
    return (Date.now() - started) / 1000;
  } finally {
    await ctx.close();
    rmSync(profile, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { sizes: { type: "string", default: "10,100" }, "large-log": { type: "string", default: "" }, open: { type: "boolean", default: false }, child: { type: "boolean", default: false } }, allowPositionals: true });
  if (values.child) return child(process.argv[3], process.argv[4]);
  const work = mkdtempSync(join(tmpdir(), "bench-report-"));
  const rows: Row[] = [];
  try {
    for (const n of values.sizes.split(",").filter(Boolean).map(Number)) rows.push(await measure(`default-${n}`, n, undefined, work));
    if (values["large-log"]) {
      const [n, mib] = values["large-log"].split("x").map(Number);
      rows.push(await measure(`log${mib}MiB-${n}`, n, mib, work));
    }
    const largest = rows.filter((r) => r.case.startsWith("default")).sort((a, b) => b.packages - a.packages)[0];
    const opened = values.open && largest ? await openTime(join(work, `${largest.case}-report`, "report.html")) : undefined;
    const mib = (b: number) => (b / 1048576).toFixed(1);
    console.log("| case | packages | evidence MiB | report s | s per 100 MiB | peak RSS MiB | live heap MiB | findings | report.html MiB |\n|---|---|---|---|---|---|---|---|---|");
    for (const r of rows) console.log(`| ${r.case} | ${r.packages} | ${mib(r.bytes)} | ${r.seconds.toFixed(1)} | ${((r.seconds * 100 * 1048576) / r.bytes).toFixed(1)} | ${r.peakRssMiB.toFixed(0)} | ${r.liveHeapMiB.toFixed(0)} | ${r.findings} | ${r.htmlMiB.toFixed(2)} |`);
    if (opened !== undefined) console.log(`\nreport.html of ${largest.packages} devices opened in Chromium (first tile and first findings row drawn) in ${typeof opened === "number" ? `${opened.toFixed(2)} s` : opened}`);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

main().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
