/**
 * The sweep's `reportDirectory` option: refused without an evidence location (nothing to report
 * on), stored as a setting that updates in place, and after a run the report of the evidence
 * folder is written there and its report.html path returned for the `reportPath` output; a
 * report that cannot be made is logged and does not fail the sweep.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { checkSweepInputs } from "../../provider/sweep/inputs";
import { reportAfterSweep } from "../../provider/sweep/report";
import { fleetScenario, writeFleet } from "../helpers/reportFleet";

const dir = mkdtempSync(join(tmpdir(), "sweep-report-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const settings = { sweepName: "inc", selection: "ids", comment: "INC-1", triggers: {}, waitForCompletion: true, timeoutMinutes: 60, cancelOnDelete: false, maxMachines: 10 };
const clock = { now: () => Date.parse("2025-03-15T08:00:00Z"), sleep: async () => undefined };

it("refuses reportDirectory without evidenceDirectory, and passes it on with one", () => {
  const base = { sweepName: "inc", machineIds: ["a".repeat(40)], comment: "INC-1" };
  expect(checkSweepInputs({ ...base, reportDirectory: "report" }).failures).toEqual([{ property: "reportDirectory", reason: expect.stringMatching(/set evidenceDirectory too/) }]);
  const ok = checkSweepInputs({ ...base, reportDirectory: "report", evidenceDirectory: "evidence" });
  expect(ok.failures).toEqual([]);
  expect(ok.inputs.reportDirectory).toBe("report");
  expect(checkSweepInputs({ ...base, evidenceDirectory: "evidence" }).inputs.reportDirectory).toBeNull();
});

it("writes the report of the evidence folder and returns report.html's path; a failure is logged, not thrown", async () => {
  await writeFleet(join(dir, "evidence"), fleetScenario("sweep-report", 3), "seed");
  const lines: string[] = [];
  const path = await reportAfterSweep({ clock, log: (l) => lines.push(l) }, { ...settings, evidenceDirectory: join(dir, "evidence"), reportDirectory: join(dir, "report") });
  expect(path).toBe(join(dir, "report", "report.html"));
  expect(lines).toEqual([expect.stringMatching(/^sweep inc: triage report .*report\.html \(3 package\(s\) read, \d+ high finding\(s\)\)$/)]);

  writeFileSync(join(dir, "not-a-folder"), "");
  const failed = await reportAfterSweep({ clock, log: (l) => lines.push(l) }, { ...settings, evidenceDirectory: join(dir, "not-a-folder"), reportDirectory: join(dir, "r2") });
  expect(failed).toBeNull();
  expect(lines[1]).toMatch(/the triage report could not be made .*mde-forensics report/);
  expect(await reportAfterSweep({ clock, log: (l) => lines.push(l) }, { ...settings, evidenceDirectory: join(dir, "evidence"), reportDirectory: null })).toBeNull();
});
