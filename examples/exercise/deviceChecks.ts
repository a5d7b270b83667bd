/**
 * What the drill checks per device, after `pulumi up`: the final status, adoption, how many
 * collections reached MDE, the custody log's events, and for each package that the stack's
 * output, the file on disk and the manifest all carry the SHA-256 the emulator computed for it.
 */
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import type { EmulatorHandle } from "pulumi-mde-forensics/emulator";
import type { Drill } from "./drill";

export interface Check {
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

export async function checkDevices(
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
