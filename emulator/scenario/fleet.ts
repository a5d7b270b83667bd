/**
 * Generated fleets for benchmarks: `n` machines whose ids, names and platforms follow only from
 * the seed and the index, so two runs with the same seed address the same devices.
 */
import { machineIdFrom } from "../util/ids";
import type { Behavior, OsPlatform, ScenarioMachine } from "./scenarioSchema";

export interface FleetOptions {
  /** @default "online" */
  behavior?: Behavior;
  packageSizeKiB?: number;
  /** Host names are `<prefix>-00001.contoso.local`. @default "fleet" */
  namePrefix?: string;
}

/** Platforms cycle in this order, weighted towards Windows like a typical estate. */
const PLATFORMS: readonly OsPlatform[] = ["Windows11", "Windows10", "Windows11", "WindowsServer2022", "Linux", "macOS"];

/**
 * `n` machines with deterministic 40-hex ids (a hash of the seed and the index), tagged `fleet`
 * plus one of four rings (`ring-0` … `ring-3`) so tag lookups return predictable subsets.
 */
export function generateFleet(n: number, seed = "mde-emulator", options: FleetOptions = {}): ScenarioMachine[] {
  const prefix = options.namePrefix ?? "fleet";
  const width = Math.max(5, String(n).length);
  return Array.from({ length: n }, (_, i) => {
    const name = `${prefix}-${String(i + 1).padStart(width, "0")}.contoso.local`;
    return {
      id: machineIdFrom(seed, `fleet/${prefix}/${i}`),
      computerDnsName: name,
      osPlatform: PLATFORMS[i % PLATFORMS.length],
      healthStatus: "Active",
      machineTags: ["fleet", `ring-${i % 4}`],
      behavior: options.behavior ?? "online",
      ...(options.packageSizeKiB ? { packageSizeKiB: options.packageSizeKiB } : {}),
      lastIpAddress: `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`,
      riskScore: "None",
      exposureLevel: "Low",
    } satisfies ScenarioMachine;
  });
}
