/**
 * The incident drill, run and checked: starts the MDE emulator with the drill's scenario and
 * seed, runs `pulumi up` of the drill program through the real Pulumi CLI (local state in the
 * work folder), then checks every device against drill.yaml: the final status, adoption, how many
 * collections were requested, and for each package that the stored file, the manifest and the
 * stack's output all carry the SHA-256 the emulator computed for it, and the responders' findings
 * (findings.yaml) against the scenario's answer key (planted intrusion). Prints a report and a
 * fingerprint of the outcomes; the same seed gives the same fingerprint.
 *
 *   node dist/examples/exercise/check.js [--seed <text>] [--work-dir <dir>] [--json <file>] [--verbose]
 *                                        [--drill <drill.yaml>] [--scenario <scenario.yaml>] [--findings <findings.yaml>]
 *                                        [--report <report.json> | --make-report]
 *
 * --report scores a triage report's JSON (`mde-forensics report`) instead of findings.yaml;
 * --make-report makes that report from the drill's evidence first (into <work-dir>/report).
 *
 * Pulumi's own output goes to <work dir>/pulumi-up.log, and to the terminal only with --verbose:
 * the drill's devices fail on purpose, so the output is full of failures and the Node runtime's
 * "failed to register" traces for the collections waiting on them, which a passing drill must not
 * show (issue #21). A failed drill names the log.
 *
 * Exit code 0 when every check passed, 1 otherwise, 2 for bad arguments or files.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { parseArgs } from "node:util";
import { startEmulator } from "pulumi-mde-forensics/emulator";
import { caBundleWith } from "../../scripts/lib/caBundle";
import { openStack, REPO_ROOT } from "../../scripts/lib/stackRunner";
import { emulatorStackConfig } from "../../scripts/lib/emulatorConfig";
import { checkDevices } from "./deviceChecks";
import { compareFindings, findingsPass, loadFindings, printFindings } from "./findings";
import { loadDrill } from "./drill";
import { findingsFromReport, loadReport } from "./reportFindings";
import { createReport } from "pulumi-mde-forensics/report";
import { type DrillReport, fingerprint, printReport } from "./report";
import { holdSeededUntilSeen } from "./seededCollections";

export type { DeviceReport } from "./deviceChecks";
export type { DrillReport } from "./report";

const EXERCISE_DIR = path.join(REPO_ROOT, "examples", "exercise");
/** Paths are printed relative to where the checker was started: the program later runs in its own folder. */
const STARTED_IN = process.cwd();

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      seed: { type: "string" },
      "work-dir": { type: "string" },
      json: { type: "string" },
      verbose: { type: "boolean", default: false },
      // The old default was to stream Pulumi's output; --quiet asked for today's default.
      quiet: { type: "boolean", default: false },
      drill: { type: "string", default: path.join(EXERCISE_DIR, "drill.yaml") },
      scenario: { type: "string", default: path.join(EXERCISE_DIR, "scenario.yaml") },
      findings: { type: "string", default: path.join(EXERCISE_DIR, "findings.yaml") },
      report: { type: "string" },
      "make-report": { type: "boolean", default: false },
    },
  });
  const drill = loadDrill(values.drill!);
  const seed = values.seed ?? drill.seed;
  const workDir = path.resolve(values["work-dir"] ?? path.join(REPO_ROOT, ".emulator-data", "exercise"));
  fs.rmSync(workDir, { recursive: true, force: true });
  fs.mkdirSync(workDir, { recursive: true });
  const emulatorLog = fs.openSync(path.join(workDir, "emulator.log"), "a");
  const say = (line: string) => process.stdout.write(`${line}\n`);
  const started = Date.now();

  const emulator = await startEmulator({
    scenario: values.scenario!,
    seed,
    timeScale: drill.timeScale,
    logger: (line) => fs.writeSync(emulatorLog, `${line}\n`),
  });
  try {
    say(`drill ${drill.incident}: seed ${seed}, emulator time ×${drill.timeScale}, ${drill.devices.length} devices, work folder ${path.relative(STARTED_IN, workDir) || "."}`);
    const evidenceDirectory = path.join(workDir, "evidence");
    const { stack } = await openStack({
      projectDir: EXERCISE_DIR,
      stackName: "drill",
      backendDir: path.join(workDir, "state"),
      env: { NODE_EXTRA_CA_CERTS: caBundleWith(emulator.caFile, workDir) },
      config: {
        ...emulatorStackConfig(emulator, drill.timeScale),
        "incident-exercise:incident": { value: drill.incident },
        "incident-exercise:reason": { value: drill.reason },
        "incident-exercise:devices": { value: JSON.stringify(drill.devices.map(({ name, wave }) => ({ name, wave }))) },
        "incident-exercise:evidenceDirectory": { value: evidenceDirectory },
      },
    });
    let upOutput = "";
    const upLog = path.join(workDir, "pulumi-up.log");
    const onOutput = (text: string) => {
      upOutput += text;
      fs.appendFileSync(upLog, text);
      if (values.verbose) process.stderr.write(text);
    };
    // Every device is waited on to its end even when another one fails: the drill checks them all.
    const stopHolding = holdSeededUntilSeen(emulator);
    await stack.up({ onOutput, continueOnError: true }).catch((err: Error) => (upOutput += `\n${err.message}`));
    stopHolding();
    const deployment = (await stack.exportStack()).deployment as { resources?: Array<{ type: string; id: string; outputs: Record<string, any> }> };
    const states = (deployment.resources ?? []).filter((r) => r.type.endsWith(":InvestigationPackageCollection"));
    const devices = await checkDevices(drill, states, emulator, upOutput, evidenceDirectory);
    const collected = new Set(devices.filter((d) => d.sha256).map((d) => d.device.toLowerCase()));
    const reportFile = values["make-report"] ? (await createReport({ location: evidenceDirectory, outDir: path.join(workDir, "report") })).json : values.report;
    if (reportFile) say(`scoring the triage report ${path.relative(STARTED_IN, reportFile)}`);
    const reported = reportFile ? findingsFromReport(loadReport(reportFile), emulator.scenario.answerKey) : loadFindings(values.findings!);
    const findings = compareFindings(reported, emulator.scenario.answerKey, collected);
    const report: DrillReport = {
      incident: drill.incident,
      seed,
      timeScale: drill.timeScale,
      passed: devices.every((d) => d.checks.every((c) => c.ok)) && findingsPass(findings),
      findings,
      devices,
      fingerprint: fingerprint(devices),
      workDir,
      evidenceDirectory,
      durationMs: Date.now() - started,
    };
    printFindings(findings, say);
    printReport(report, say, STARTED_IN);
    if (!report.passed) say(`pulumi up's output: ${path.relative(STARTED_IN, upLog) || upLog} (or run again with --verbose)`);
    if (values.json) fs.writeFileSync(values.json, `${JSON.stringify(report, null, 2)}\n`);
    return report.passed ? 0 : 1;
  } finally {
    await emulator.close();
    fs.closeSync(emulatorLog);
  }
}

main().then(
  (code) => (process.exitCode = code),
  (err: unknown) => {
    const message = err instanceof Error ? err.message : String(err);
    const hint = /ENOENT: pulumi/.test(message)
      ? "\nno pulumi CLI on PATH: run `source scripts/toolchain.sh` first"
      : /incorrect passphrase/.test(message)
        ? "\nan earlier drill ran with another PULUMI_CONFIG_PASSPHRASE: remove .pulumi-work/exercise-drill and run again"
        : "";
    process.stderr.write(`${message}${hint}\n`);
    process.exitCode = 2;
  },
);
