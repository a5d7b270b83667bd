/**
 * The report against the exercise's answer key, as a trainer would score it: every package of
 * the drill's estate (examples/exercise/scenario.yaml, its seed) is kept as evidence, reported,
 * and the report's high findings go through the drill checker's own comparison (compareFindings
 * via findingsFromReport). Every plant is found with the key's indicators, nothing is invented;
 * and the same estate without plants (same seed) yields no high finding at all.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { loadScenarioFile } from "../../emulator/scenario/scenario";
import { compareFindings } from "../../examples/exercise/findings";
import { findingsFromReport, loadReport } from "../../examples/exercise/reportFindings";
import { createReport } from "../../provider/report/run";
import { writeFleet } from "../helpers/reportFleet";

const SCENARIO = resolve(__dirname, "../../examples/exercise/scenario.yaml");
const SEED = "drill-2041";
const dir = mkdtempSync(join(tmpdir(), "report-drill-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

it("finds every plant of the drill's estate, with the answer key's indicators, and invents nothing", async () => {
  const scenario = loadScenarioFile(SCENARIO);
  expect(scenario.answerKey.length).toBeGreaterThanOrEqual(5);
  await writeFleet(join(dir, "planted"), scenario, SEED);
  const { json } = await createReport({ location: join(dir, "planted"), outDir: join(dir, "planted-report") });
  const report = loadReport(json);
  const collected = new Set(scenario.machines.map((m) => m.computerDnsName.toLowerCase()));
  const score = compareFindings(findingsFromReport(report, scenario.answerKey), scenario.answerKey, collected);
  expect(score.missed).toEqual([]);
  expect(score.falsePositives).toEqual([]);
  expect(score.wrongIndicators).toEqual([]);
  expect(score.found).toHaveLength(scenario.answerKey.length);
});

it("reports no high finding on the same estate without plants (same seed)", async () => {
  const scenario = loadScenarioFile(SCENARIO);
  await writeFleet(join(dir, "ordinary"), { ...scenario, answerKey: [] }, SEED);
  const { json } = await createReport({ location: join(dir, "ordinary"), outDir: join(dir, "ordinary-report") });
  const report = loadReport(json);
  expect(report.fleet.baseline).toBe(true);
  expect(report.findings.filter((f) => f.severity === "high").map((f) => `${f.computerDnsName}: ${f.title}`)).toEqual([]);
  // Not silent: an ordinary estate still has rare software and common user-writable programs to show.
  expect(report.findings.length).toBeGreaterThan(0);
});

it("on the drill's own collection (two Windows devices, no baseline) finds every plant that needs no fleet to compare with, and invents nothing", async () => {
  const scenario = loadScenarioFile(SCENARIO);
  const collectedNames = ["fin-ws01.contoso.local", "fin-ws03.contoso.local", "web-srv01.contoso.local", "exec-mac01.contoso.local"];
  const machines = scenario.machines.filter((m) => collectedNames.includes(m.computerDnsName));
  await writeFleet(join(dir, "drill"), { ...scenario, machines }, SEED);
  const { json } = await createReport({ location: join(dir, "drill"), outDir: join(dir, "drill-report") });
  const report = loadReport(json);
  expect(report.fleet).toMatchObject({ windows: 2, baseline: false });
  const score = compareFindings(findingsFromReport(report, scenario.answerKey), scenario.answerKey, new Set(collectedNames));
  expect(score.falsePositives).toEqual([]);
  expect(score.wrongIndicators).toEqual([]);
  // A Run key into AppData looks like many legitimate ones: only rarity across a fleet tells them apart.
  expect(score.missed.filter((m) => m.collected)).toEqual([{ device: "fin-ws01.contoso.local", kind: "run-key-autorun", collected: true }]);
});
