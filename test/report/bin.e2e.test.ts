/**
 * `mde-forensics report` as the package's bin (the compiled dist/provider/cli.js): it reports,
 * and it does so in a worker whose young generation is bounded (provider/report/worker.ts), which
 * is what keeps its peak RSS flat in the fleet's length (bench/README.md "Triage report"). The
 * in-process suites run the same command from TypeScript sources, in their own thread.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { REPORT_YOUNG_GENERATION_MB } from "../../provider/report/worker";
import { fleetScenario, writeFleet } from "../helpers/reportFleet";

const ROOT = resolve(__dirname, "../..");
const BIN = resolve(ROOT, JSON.parse(readFileSync(resolve(ROOT, "package.json"), "utf8")).bin["mde-forensics"]);
const dir = mkdtempSync(join(tmpdir(), "report-bin-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

it("reports from the bin, in a worker whose young generation is bounded", async () => {
  if (!existsSync(BIN)) throw new Error(`${BIN} is missing: run \`npm run build\` before the tests`);
  const evidence = join(dir, "evidence");
  await writeFleet(evidence, fleetScenario("report-bin", 3), "report-bin-seed");
  const out = join(dir, "out");
  const r = spawnSync(process.execPath, [BIN, "report", evidence, "--out", out, "--no-custody", "--quiet"], { encoding: "utf8", env: { ...process.env, MDE_REPORT_MEMORY: "1" } });
  expect(r.stderr).not.toMatch(/error/i);
  expect(r.status).toBe(0);
  expect(r.stdout).toMatch(/^3 package\(s\): 3 verified, 0 unverified$/m);
  expect(JSON.parse(readFileSync(join(out, "report.json"), "utf8")).fleet.packages).toBe(3);
  const lines = r.stderr.split("\n").filter((l) => l.startsWith("memory "));
  expect(lines).toHaveLength(3);
  for (const l of lines) expect(l).toMatch(new RegExp(` youngLimit=${REPORT_YOUNG_GENERATION_MB} `));
});
