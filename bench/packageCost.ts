/**
 * What an investigation package costs the emulator to generate: first build of a Windows package
 * (profile, Security.evtx, ZIP), then a second collection of the same device (the log is cached
 * per machine, the ZIP is not), for the default scenario and for `securityLogMiB`; and what a
 * large fleet with plants costs at load (nothing is generated until a download). In-process, no
 * HTTP: `node dist/bench/packageCost.js [securityLogMiB] [fleet size]` (defaults 100, 1000).
 */
import { PackageBuilder } from "../emulator/packages/packages";
import { resolveScenario } from "../emulator/scenario/scenario";
import { DEFAULT_MACHINES as M, defaultScenario } from "../emulator/scenario/defaultScenario";
import type { StoredAction } from "../emulator/persistence/store";

const mib = Number(process.argv[2] ?? 100);
const fleetSize = Number(process.argv[3] ?? 1000);
const action = (id: string): StoredAction => ({
  id, tenantId: "t", machineId: M.win11, computerDnsName: "win11-ws01.contoso.local", osPlatform: "Windows11", type: "CollectInvestigationPackage",
  requestor: "bench", requestorComment: null, createdMs: 0, plan: { pickupMs: 0, workMs: 0, timeoutMs: 0, outcome: "Succeeded", errorHResult: 0 }, packageSizeKiB: null, cancellation: null,
});
const ms = (t: bigint) => Number(process.hrtime.bigint() - t) / 1e6;

async function cost(label: string, evidence: { securityLogMiB?: number }) {
  const builder = new PackageBuilder("bench-seed", resolveScenario({ ...defaultScenario(), evidence }));
  let t = process.hrtime.bigint();
  const first = await builder.build(action("11111111-2222-4333-8444-000000000001"));
  const firstMs = ms(t);
  t = process.hrtime.bigint();
  await builder.build(action("11111111-2222-4333-8444-000000000002"));
  const nextMs = ms(t);
  const log = [...(builder as unknown as { logs: Map<string, { bytes: Buffer }> }).logs.values()][0].bytes.length;
  console.log(`${label.padEnd(22)} Security.evtx ${log.toLocaleString("en")} B, package ${first.info.size.toLocaleString("en")} B, first build ${firstMs.toFixed(0)} ms, next collection ${nextMs.toFixed(0)} ms`);
}

async function main() {
  await cost("default", {});
  await cost(`securityLogMiB: ${mib}`, { securityLogMiB: mib });
  const heap = process.memoryUsage().heapUsed;
  const t = process.hrtime.bigint();
  const base = defaultScenario();
  const fleet = resolveScenario({ ...base, fleet: { count: fleetSize }, evidence: { securityLogMiB: mib } });
  const windows = fleet.machines.filter((m) => m.osPlatform.startsWith("Windows")).slice(-Math.min(200, fleetSize));
  const s = resolveScenario({ ...base, fleet: { count: fleetSize }, evidence: { securityLogMiB: mib }, plants: windows.map((m, i) => ({ machine: m.computerDnsName, kind: i % 2 ? "temp-listener" : "logon-burst" })) });
  const builder = new PackageBuilder("bench-seed", s);
  const loadMs = ms(t);
  const cached = (builder as unknown as { logs: Map<string, unknown>; cache: Map<string, unknown> });
  console.log(`load ${s.machines.length} devices, ${s.answerKey.length} plants (answer key), securityLogMiB ${mib}: ${loadMs.toFixed(0)} ms, heap +${((process.memoryUsage().heapUsed - heap) / 1048576).toFixed(1)} MiB, logs built ${cached.logs.size}, packages built ${cached.cache.size}`);
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
