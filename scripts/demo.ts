/**
 * The main job (`npm run demo`): starts the embedded MDE emulator, runs `pulumi up` of the root
 * program through the real Pulumi CLI on a local backend, collecting from three devices (a
 * Windows workstation, a Linux server, and one where an analyst already started a collection,
 * which is adopted), prints what was collected, then runs `pulumi destroy`.
 *
 * Against a real tenant, run the root program with `pulumi up` instead (README: "Real tenant").
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { startEmulator } from "../emulator";
import { DEFAULT_MACHINES } from "../emulator/defaultScenario";
import { caBundleWith } from "./lib/caBundle";
import { openStack, REPO_ROOT } from "./lib/stackRunner";
import { emulatorStackConfig } from "./lib/emulatorConfig";

/** Emulated minutes pass in real seconds, so the already-running collection finishes in the demo. */
const TIME_SCALE = 120;

async function main(): Promise<void> {
  const workDir = path.join(REPO_ROOT, ".emulator-data", "demo");
  fs.rmSync(workDir, { recursive: true, force: true });
  fs.mkdirSync(workDir, { recursive: true });
  const accessLog = fs.openSync(path.join(workDir, "access.log"), "a");
  const emulator = await startEmulator({
    dataDir: path.join(workDir, "state"),
    timeScale: TIME_SCALE,
    seed: "demo",
    logger: (line) => fs.writeSync(accessLog, `${line}\n`),
  });
  const evidenceDirectory = path.join(REPO_ROOT, "evidence", "demo");
  try {
    console.log(`emulator: ${emulator.apiUrl} (tenant ${emulator.tenantId}, time x${TIME_SCALE}; access log ${path.relative(REPO_ROOT, workDir)}/access.log)`);
    const { stack } = await openStack({
      projectDir: REPO_ROOT,
      stackName: "demo",
      env: { NODE_EXTRA_CA_CERTS: caBundleWith(emulator.caFile, workDir) },
      config: {
        ...emulatorStackConfig(emulator, TIME_SCALE),
        "mde-forensics:incident": { value: "INC-2041" },
        "mde-forensics:devices": {
          value: JSON.stringify(["win11-ws01.contoso.local", DEFAULT_MACHINES.linux, "win10-busy01.contoso.local"]),
        },
        "mde-forensics:evidenceDirectory": { value: evidenceDirectory },
      },
    });
    const onOutput = (line: string) => process.stdout.write(line);
    console.log("\n== pulumi up");
    const up = await stack.up({ onOutput });
    printPackages(up.outputs.packages?.value ?? []);
    console.log(`\nevidence: ${evidenceDirectory} (manifests and custody.jsonl beside the packages)`);
    console.log("\n== pulumi destroy (the evidence stays)");
    await stack.destroy({ onOutput });
    await stack.workspace.removeStack(stack.name);
    printCalls(emulator.counters());
  } finally {
    await emulator.close();
  }
}

function printPackages(packages: Array<Record<string, unknown>>): void {
  console.log("\n== collected");
  for (const p of packages) {
    const size = typeof p.packageSizeBytes === "number" ? `${(p.packageSizeBytes / 1024).toFixed(1)} KiB` : "-";
    console.log(
      `${String(p.device).padEnd(28)} ${String(p.status).padEnd(10)} ${p.adopted ? "adopted  " : "requested"} ${size.padStart(10)}  sha256 ${String(p.packageSha256 ?? "-").slice(0, 16)}…`,
    );
  }
}

function printCalls(counters: ReturnType<Awaited<ReturnType<typeof startEmulator>>["counters"]>): void {
  console.log("\n== MDE calls the emulator answered");
  for (const [route, byStatus] of Object.entries(counters.requests)) {
    console.log(`${route.padEnd(60)} ${Object.entries(byStatus).map(([status, n]) => `${n}× ${status}`).join(", ")}`);
  }
  const posts = Object.values(counters.collectPosts).reduce((a, b) => a + b, 0);
  console.log(`collection POSTs: ${posts} for 3 devices (one collection was adopted); 429s: ${counters.tooManyRequests}`);
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : String(err));
  process.exitCode = 1;
});
