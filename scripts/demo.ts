/**
 * The main job (`npm run demo`): starts the embedded MDE emulator, runs `pulumi up` of the root
 * program through the real Pulumi CLI on a local backend, collecting from three devices (a
 * Windows workstation, a Linux server, and one where an analyst already started a collection,
 * which is adopted), prints what was collected, then runs `pulumi destroy`.
 *
 * `npm run demo -- --evidence azblob` keeps the evidence in a blob container instead: Azurite
 * (Microsoft's storage emulator) on loopback, reached with the same credential as MDE, then
 * checked with `mde-forensics verify`.
 *
 * Against a real tenant, run the root program with `pulumi up` instead (README: "Quick start").
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { startEmulator } from "../emulator";
import { DEFAULT_MACHINES } from "../emulator/scenario/defaultScenario";
import { caBundleWith } from "./lib/caBundle";
import { openStack, REPO_ROOT } from "./lib/stackRunner";
import { emulatorStackConfig } from "./lib/emulatorConfig";
import { type AzuriteHandle, startAzurite, trustCaInProcess } from "./lib/azurite";

/** Emulated minutes pass in real seconds, so the already-running collection finishes in the demo. */
const TIME_SCALE = 120;

function evidenceMode(argv: string[]): "folder" | "azblob" {
  const i = argv.indexOf("--evidence");
  const mode = i >= 0 ? argv[i + 1] : "folder";
  if (mode !== "folder" && mode !== "azblob") throw new Error(`--evidence must be folder or azblob, not ${mode}`);
  return mode;
}

/** Azurite beside the emulator (its certificate, its credential), with an empty `evidence` container. */
async function blobEvidence(emulator: Awaited<ReturnType<typeof startEmulator>>, tlsDir: string): Promise<{ azurite: AzuriteHandle; location: string }> {
  const azurite = await startAzurite(tlsDir);
  trustCaInProcess(emulator.caFile);
  const { ClientSecretCredential } = await import("@azure/identity");
  const { ContainerClient } = await import("@azure/storage-blob");
  const credential = new ClientSecretCredential(emulator.tenantId, emulator.clientId, emulator.clientSecret, { authorityHost: emulator.authorityHost, disableInstanceDiscovery: true });
  await new ContainerClient(`${azurite.endpoint}/evidence`, credential).create();
  return { azurite, location: `azblob://devstoreaccount1/evidence/INC-2041?endpoint=${azurite.endpoint}` };
}

async function main(): Promise<void> {
  const mode = evidenceMode(process.argv.slice(2));
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
  let evidenceDirectory = path.join(REPO_ROOT, "evidence", "demo");
  let azurite: AzuriteHandle | undefined;
  try {
    if (mode === "azblob") {
      const blob = await blobEvidence(emulator, path.join(workDir, "state", "tls"));
      azurite = blob.azurite;
      evidenceDirectory = blob.location;
      console.log(`azurite: ${azurite.endpoint} (blob evidence, OAuth with the emulator's tokens)`);
    }
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
    if (azurite) await verifyBlobEvidence(evidenceDirectory, emulator);
    console.log("\n== pulumi destroy (the evidence stays)");
    await stack.destroy({ onOutput });
    await stack.workspace.removeStack(stack.name);
    printCalls(emulator.counters());
  } finally {
    await azurite?.close();
    await emulator.close();
  }
}

/** What an investigator would run: `mde-forensics verify azblob://…`, here with the emulator's credential. */
async function verifyBlobEvidence(location: string, emulator: Awaited<ReturnType<typeof startEmulator>>): Promise<void> {
  const { ClientSecretCredential } = await import("@azure/identity");
  const { blobSource } = await import("../provider/verify/blobSource");
  const { verifyLocation } = await import("../provider/verify/checks");
  const { renderReport } = await import("../provider/verify/cli");
  const credential = new ClientSecretCredential(emulator.tenantId, emulator.clientId, emulator.clientSecret, { authorityHost: emulator.authorityHost, disableInstanceDiscovery: true });
  console.log("\n== mde-forensics verify");
  const report = await verifyLocation(await blobSource(location, credential));
  process.stdout.write(renderReport(report));
  if (report.problems.length) process.exitCode = 1;
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
