/**
 * drill.yaml, read and checked: the incident, the seed and time scale, and per device its wave
 * and the outcome the drill expects. Every problem is listed at once, so one edit fixes them all.
 */
import * as fs from "node:fs";
import { parse } from "yaml";

export const STATUSES = ["Succeeded", "Failed", "TimeOut", "Cancelled"] as const;

export interface DrillDevice {
  name: string;
  wave: number;
  expect: (typeof STATUSES)[number];
  adopted: boolean;
}

export interface Drill {
  incident: string;
  reason: string;
  seed: string;
  timeScale: number;
  devices: DrillDevice[];
}

export class DrillFileError extends Error {}

export function loadDrill(file: string): Drill {
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
