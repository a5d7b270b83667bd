/**
 * The incident drill, run and checked: starts the MDE emulator with the drill's scenario and
 * seed, runs `pulumi up` of the drill program through the real Pulumi CLI (local state in the
 * work folder), then checks every device against drill.yaml: the final status, adoption, how many
 * collections were requested, and for each package that the stored file, the manifest and the
 * stack's output all carry the SHA-256 the emulator computed for it. Prints a report and a
 * fingerprint of the outcomes; the same seed gives the same fingerprint.
 *
 *   node dist/examples/exercise/check.js [--seed <text>] [--work-dir <dir>] [--json <file>] [--quiet]
 *                                        [--drill <drill.yaml>] [--scenario <scenario.yaml>]
 *
 * Exit code 0 when every check passed, 1 otherwise, 2 for bad arguments or files.
 */
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { parseArgs } from "node:util";
import { parse } from "yaml";
import { type EmulatorHandle, startEmulator } from "pulumi-mde-forensics/emulator";
import { caBundleWith } from "../../scripts/lib/caBundle";
import { openStack, REPO_ROOT } from "../../scripts/lib/stackRunner";
import { emulatorStackConfig } from "../../scripts/lib/emulatorConfig";
import { holdSeededUntilSeen } from "./seededCollections";

const EXERCISE_DIR = path.join(REPO_ROOT, "examples", "exercise");
/** Paths are printed relative to where the checker was started: the program later runs in its own folder. */
const STARTED_IN = process.cwd();
const STATUSES = ["Succeeded", "Failed", "TimeOut", "Cancelled"] as const;

interface DrillDevice {
  name: string;
  wave: number;
  expect: (typeof STATUSES)[number];
  adopted: boolean;
}

interface Drill {
  incident: string;
  reason: string;
  seed: string;
  timeScale: number;
  devices: DrillDevice[];
}

interface Check {
  name: string;
  ok: boolean;
  detail?: string;
}

export interface DeviceReport {
  device: string;
  wave: number;
  expected: string;
  status: string | null;
  adopted: boolean | null;
  actionId: string | null;
  sha256: string | null;
  checks: Check[];
}

export interface DrillReport {
  incident: string;
  seed: string;
  timeScale: number;
  passed: boolean;
  devices: DeviceReport[];
  /** SHA-256 over each device's status, adoption and package hash: equal across runs with the same seed. */
  fingerprint: string;
  workDir: string;
  evidenceDirectory: string;
  durationMs: number;
}

class DrillFileError extends Error {}

function loadDrill(file: string): Drill {
  const raw = parse(fs.readFileSync(file, "utf8")) as Record<string, unknown>;
  const problems: string[] = [];
  const str = (v: unknown, what: string) => (typeof v === "string" && v.trim() !== "" ? v : (problems.push(`${what} must be a non-empty string`), ""));
  const devices = Array.isArray(raw?.devices) ? raw.devices : (problems.push("devices must be a list"), []);
  const drill: Drill = {
    incident: str(raw?.incident, "incident"),
    reason: typeof raw?.reason === "string" ? raw.reason : "incident exercise",
    seed: String(raw?.seed ?? "drill"),
    timeScale: typeof raw?.timeScale === "number" && raw.timeScale > 0 ? raw.timeScale : (problems.push("timeScale must be a positive number"), 1),
    devices: devices.map((d: Record<string, unknown>, i: number) => ({
      name: str(d?.name, `devices[${i}].name`),
      wave: Number.isInteger(d?.wave ?? 1) && Number(d?.wave ?? 1) >= 1 ? Number(d?.wave ?? 1) : (problems.push(`devices[${i}].wave must be a whole number ≥ 1`), 1),
      expect: STATUSES.includes(d?.expect as DrillDevice["expect"]) ? (d.expect as DrillDevice["expect"]) : (problems.push(`devices[${i}].expect must be one of ${STATUSES.join(", ")}`), "Succeeded"),
      adopted: d?.adopted === true,
    })),
  };
  if (problems.length > 0) throw new DrillFileError(`${file}:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
  return drill;
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      seed: { type: "string" },
      "work-dir": { type: "string" },
      json: { type: "string" },
      quiet: { type: "boolean", default: false },
      drill: { type: "string", default: path.join(EXERCISE_DIR, "drill.yaml") },
      scenario: { type: "string", default: path.join(EXERCISE_DIR, "scenario.yaml") },
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
    const onOutput = (text: string) => {
      upOutput += text;
      if (!values.quiet) process.stderr.write(text);
    };
    // Every device is waited on to its end even when another one fails: the drill checks them all.
    const stopHolding = holdSeededUntilSeen(emulator);
    await stack.up({ onOutput, continueOnError: true }).catch((err: Error) => (upOutput += `\n${err.message}`));
    stopHolding();
    const deployment = (await stack.exportStack()).deployment as { resources?: Array<{ type: string; id: string; outputs: Record<string, any> }> };
    const states = (deployment.resources ?? []).filter((r) => r.type.endsWith(":InvestigationPackageCollection"));
    const devices = await checkDevices(drill, states, emulator, upOutput, evidenceDirectory);
    const report: DrillReport = {
      incident: drill.incident,
      seed,
      timeScale: drill.timeScale,
      passed: devices.every((d) => d.checks.every((c) => c.ok)),
      devices,
      fingerprint: fingerprint(devices),
      workDir,
      evidenceDirectory,
      durationMs: Date.now() - started,
    };
    printReport(report, say);
    if (values.json) fs.writeFileSync(values.json, `${JSON.stringify(report, null, 2)}\n`);
    return report.passed ? 0 : 1;
  } finally {
    await emulator.close();
    fs.closeSync(emulatorLog);
  }
}

async function checkDevices(
  drill: Drill,
  states: Array<{ id: string; outputs: Record<string, any> }>,
  emulator: EmulatorHandle,
  upOutput: string,
  evidenceDirectory: string,
): Promise<DeviceReport[]> {
  const custody = readCustody(path.join(evidenceDirectory, "custody.jsonl"));
  const posts = emulator.counters().collectPosts as Record<string, number>;
  const reports: DeviceReport[] = [];
  for (const d of drill.devices) {
    const machine = emulator.scenario.machines.find((m) => m.computerDnsName.toLowerCase() === d.name.toLowerCase());
    const state = states.find((s) => String(s.outputs.computerDnsName ?? "").toLowerCase() === d.name.toLowerCase());
    const o = state?.outputs ?? {};
    const checks: Check[] = [];
    const check = (name: string, ok: boolean, detail?: string) => checks.push({ name, ok, ...(ok || !detail ? {} : { detail }) });
    check("in the scenario", machine !== undefined, `${d.name} is not a machine of the scenario`);
    check("in the stack's state", state !== undefined, "no collection in state (see the pulumi output above)");
    if (state && machine) {
      check(`status ${d.expect}`, o.status === d.expect, `status is ${o.status}`);
      check(d.adopted ? "adopted the running collection" : "requested a new collection", o.adopted === d.adopted, `adopted is ${o.adopted}`);
      const expectedPosts = d.adopted ? 0 : 1;
      check(`${expectedPosts} collect request(s)`, (posts[machine.id] ?? 0) === expectedPosts, `${posts[machine.id] ?? 0} collect requests reached MDE`);
      const events = custody.filter((l) => l.actionId === o.actionId).map((l) => l.event);
      if (d.expect === "Succeeded") {
        await checkPackage(o, emulator, check);
        const want = [d.adopted ? "adopted" : "requested", "succeeded", "downloaded", "verified"];
        check("custody: " + want.join(", "), want.every((e) => events.includes(e)), `custody.jsonl has ${events.join(", ") || "nothing"} for it`);
      } else {
        check(`pulumi up reported it ended ${d.expect}`, upOutput.includes(`${o.actionId} on ${machine.id} (${machine.computerDnsName}) ended ${d.expect}`));
        check("custody: failed", events.includes("failed"), `custody.jsonl has ${events.join(", ") || "nothing"} for it`);
        check("no package", !o.packagePath, `packagePath is ${o.packagePath}`);
      }
    }
    reports.push({
      device: d.name,
      wave: d.wave,
      expected: d.expect,
      status: o.status ?? null,
      adopted: o.adopted ?? null,
      actionId: o.actionId ?? null,
      sha256: o.packageSha256 ?? null,
      checks,
    });
  }
  return reports;
}

/** The stack's hash, the file on disk, the manifest and the emulator's own record must agree. */
async function checkPackage(o: Record<string, any>, emulator: EmulatorHandle, check: (name: string, ok: boolean, detail?: string) => void) {
  const info = await emulator.packageInfo(o.actionId);
  check("emulator has the package", info !== undefined, `the emulator has no Succeeded package for ${o.actionId}`);
  if (!info) return;
  check("output sha256 = emulator's", o.packageSha256 === info.sha256, `${o.packageSha256} ≠ ${info.sha256}`);
  check("output size = emulator's", o.packageSizeBytes === info.size, `${o.packageSizeBytes} ≠ ${info.size}`);
  if (typeof o.packagePath !== "string" || !fs.existsSync(o.packagePath)) return check("package file exists", false, `${o.packagePath} is missing`);
  const onDisk = createHash("sha256").update(fs.readFileSync(o.packagePath)).digest("hex");
  check("file sha256 = emulator's", onDisk === info.sha256, `${o.packagePath} hashes to ${onDisk}`);
  const manifest = fs.existsSync(o.manifestPath) ? (JSON.parse(fs.readFileSync(o.manifestPath, "utf8")) as Record<string, unknown>) : undefined;
  check("manifest sha256 = emulator's", manifest?.sha256 === info.sha256 && manifest?.actionId === o.actionId, `manifest ${o.manifestPath} records ${manifest?.sha256}`);
}

function readCustody(file: string): Array<{ event: string; actionId: string | null }> {
  if (!fs.existsSync(file)) return [];
  return fs
    .readFileSync(file, "utf8")
    .split("\n")
    .filter((l) => l.trim() !== "")
    .map((l) => JSON.parse(l) as { event: string; actionId: string | null });
}

/** Action ids of failed and timed-out devices are left out: they share a wave, so their order is not fixed. */
function fingerprint(devices: DeviceReport[]): string {
  const outcomes = devices
    .map((d) => [d.device, d.status, d.adopted, d.sha256 ?? null, d.status === "Succeeded" ? d.actionId : null])
    .sort((a, b) => String(a[0]).localeCompare(String(b[0])));
  return createHash("sha256").update(JSON.stringify(outcomes)).digest("hex");
}

function printReport(r: DrillReport, say: (line: string) => void): void {
  say("");
  say(`${"device".padEnd(28)}${"wave".padEnd(6)}${"expected".padEnd(11)}${"got".padEnd(11)}${"how".padEnd(11)}sha256`);
  for (const d of r.devices) {
    const how = d.adopted === null ? "-" : d.adopted ? "adopted" : "requested";
    const ok = d.checks.every((c) => c.ok);
    say(`${d.device.padEnd(28)}${String(d.wave).padEnd(6)}${d.expected.padEnd(11)}${String(d.status ?? "-").padEnd(11)}${how.padEnd(11)}${(d.sha256 ? `${d.sha256.slice(0, 16)}…` : "-").padEnd(19)}${ok ? "ok" : "FAIL"}`);
    for (const c of d.checks.filter((x) => !x.ok)) say(`    FAIL ${c.name}${c.detail ? `: ${c.detail}` : ""}`);
  }
  const packages = r.devices.filter((d) => d.sha256).length;
  const checks = r.devices.reduce((n, d) => n + d.checks.length, 0);
  say("");
  say(`fingerprint ${r.fingerprint} (same seed, same fingerprint)`);
  say(`evidence    ${path.relative(STARTED_IN, r.evidenceDirectory)} (packages, manifests, custody.jsonl); state and emulator.log beside it`);
  say(
    `${r.passed ? "PASS" : "FAIL"}: ${r.devices.filter((d) => d.checks.every((c) => c.ok)).length}/${r.devices.length} devices as expected, ` +
      `${packages} packages matching the emulator's hashes, ${checks} checks, ${(r.durationMs / 1000).toFixed(1)} s`,
  );
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
