/**
 * A report SIGKILLed at any step (a runner cancelled, a machine that loses power) must leave in
 * `--out` neither its facts spill nor a page that looks complete but is not: a report.html there
 * is always the whole page of the run whose report.json stands beside it (each kill lands in a
 * folder holding an earlier report of another fleet). The next run
 * into the same folder removes what the killed one left and writes a whole report.
 *
 * The report is a child process; the `onStep` test hook names every step (each package read,
 * the outputs staged, each file put in place), and the child kills itself at the one named in
 * argv. A first run records the steps, so a new step is covered without editing this test.
 */
import { spawn } from "node:child_process";
import { cpSync, mkdtempSync, rmSync } from "node:fs";
import { readdir, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { TS_REQUIRE_HOOK } from "../helpers/clientChild";
import { fleetScenario, writeFleet } from "../helpers/reportFleet";

const ROOT = resolve(__dirname, "../..");

const CHILD = `${TS_REQUIRE_HOOK}
const { createReport } = require(${JSON.stringify(join(ROOT, "provider/report/run.ts"))});
const [evidence, out, killAt, stepsFile] = process.argv.slice(2);
let n = 0;
createReport({
  location: evidence,
  outDir: out,
  custody: false,
  clock: { now: () => Date.parse("2026-01-01T00:00:00Z"), sleep: async () => undefined },
  onStep: (step) => {
    const named = step === "read" ? "read " + ++n : step;
    if (stepsFile !== "-") fs.appendFileSync(stepsFile, named + "\\n");
    if (named === killAt) process.kill(process.pid, "SIGKILL");
  },
}).then(() => process.exit(0), (e) => { console.error(e); process.exit(1); });
`;

const work = mkdtempSync(join(tmpdir(), "report-kill-"));
const evidence = join(work, "evidence");
/** An earlier report in the same --out (of another fleet): a kill must not leave its page beside the new report.json. */
const earlier = join(work, "earlier");
let steps: string[] = [];
let whole: string;

function runChild(out: string, killAt: string, stepsFile = "-", from = evidence): Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr?: string }> {
  return new Promise((done) => {
    const child = spawn(process.execPath, [join(work, "child.js"), from, out, killAt, stepsFile], { cwd: ROOT, stdio: ["ignore", "ignore", "pipe"] });
    let stderr = "";
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    child.on("close", (code, signal) => done(code === 0 || signal ? { code, signal } : { code, signal, stderr }));
  });
}

/** The report data the page embeds (its JSON block), to tell which run a report.html belongs to. */
async function pageData(out: string): Promise<unknown> {
  const html = await readFile(join(out, "report.html"), "utf8");
  return JSON.parse(/<script type="application\/json" id="report-data">(.*?)<\/script>/s.exec(html)![1]);
}

beforeAll(async () => {
  await writeFleet(evidence, fleetScenario("report-kill", 3), "report-kill-seed");
  await writeFile(join(work, "child.js"), CHILD);
  await writeFleet(join(work, "earlier-evidence"), fleetScenario("report-kill-earlier", 2), "report-kill-earlier-seed");
  expect(await runChild(earlier, "-", "-", join(work, "earlier-evidence"))).toEqual({ code: 0, signal: null });
  const stepsFile = join(work, "steps.txt");
  const out = join(work, "record");
  expect(await runChild(out, "-", stepsFile)).toEqual({ code: 0, signal: null });
  steps = (await readFile(stepsFile, "utf8")).trim().split("\n");
  whole = await readFile(join(out, "report.json"), "utf8");
}, 120_000);
afterAll(() => rmSync(work, { recursive: true, force: true }));

it("records the steps of a report: each package read, the outputs staged, each file put in place", () => {
  expect(steps).toEqual(expect.arrayContaining(["read 1", "read 3", "staged", "placed report.json", "placed report.html"]));
  expect(steps.indexOf("placed report.html")).toBe(steps.length - 1);
});

it("leaves, at every step, no spill and no page that is not whole; the next run cleans up and completes", async () => {
  const outcomes: string[] = [];
  for (const step of steps) {
    const out = join(work, `kill-${step.replace(/[^a-z0-9]/gi, "_")}`);
    cpSync(earlier, out, { recursive: true });
    expect({ step, ...(await runChild(out, step)) }).toEqual({ step, code: null, signal: "SIGKILL" });
    const names = await readdir(out);
    const spills = names.filter((n) => n.startsWith(".facts-"));
    if (spills.length) outcomes.push(`${step}: the facts spill was left: ${spills.join(", ")}`);
    if (names.includes("report.html")) {
      if (!names.includes("report.json")) outcomes.push(`${step}: report.html without report.json`);
      else if (JSON.stringify(await pageData(out)) !== JSON.stringify(JSON.parse(await readFile(join(out, "report.json"), "utf8")))) outcomes.push(`${step}: report.html and report.json of different runs`);
    }
    // The next run, unhindered, removes what the killed one left and writes the whole report.
    expect({ step, ...(await runChild(out, "-")) }).toEqual({ step, code: 0, signal: null });
    const after = await readdir(out);
    const left = after.filter((n) => n.startsWith("."));
    if (left.length) outcomes.push(`${step}: after the next run, still there: ${left.join(", ")}`);
    if ((await readFile(join(out, "report.json"), "utf8")) !== whole) outcomes.push(`${step}: after the next run, report.json differs from a clean run's`);
  }
  expect(outcomes).toEqual([]);
}, 600_000);
