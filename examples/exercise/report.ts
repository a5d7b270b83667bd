/**
 * The drill's outcome: one line per device with the checks that failed, and a fingerprint of the
 * outcomes that the same seed reproduces, so two runs can be compared by one hash.
 */
import { createHash } from "node:crypto";
import * as path from "node:path";
import type { DeviceReport } from "./deviceChecks";
import { type FindingsResult, findingsVerdict } from "./findings";

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
  /** The responders' findings against the answer key (printed by printFindings, summed up in the verdict line). */
  findings?: FindingsResult;
}

/** Action ids of failed and timed-out devices are left out: they share a wave, so their order is not fixed. */
export function fingerprint(devices: DeviceReport[]): string {
  const outcomes = devices
    .map((d) => [d.device, d.status, d.adopted, d.sha256 ?? null, d.status === "Succeeded" ? d.actionId : null])
    .sort((a, b) => String(a[0]).localeCompare(String(b[0])));
  return createHash("sha256").update(JSON.stringify(outcomes)).digest("hex");
}

/** `startedIn`: where the checker was started; paths are printed relative to it. */
export function printReport(r: DrillReport, say: (line: string) => void, startedIn: string): void {
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
  say(`evidence    ${path.relative(startedIn, r.evidenceDirectory)} (packages, manifests, custody.jsonl); state and emulator.log beside it`);
  say(
    `${r.passed ? "PASS" : "FAIL"}: ${r.devices.filter((d) => d.checks.every((c) => c.ok)).length}/${r.devices.length} devices as expected, ` +
      `${packages} packages matching the emulator's hashes, ${checks} checks, ${r.findings ? `${findingsVerdict(r.findings)}, ` : ""}${(r.durationMs / 1000).toFixed(1)} s`,
  );
}
