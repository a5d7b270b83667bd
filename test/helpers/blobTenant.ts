/**
 * An emulated tenant and an Azurite storage account over HTTPS that accepts its tokens, for the
 * suites that keep evidence or a quota ledger in blob storage: started before the suite's tests
 * (with the emulator's CA trusted in this process) and stopped after them.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ClientSecretCredential } from "@azure/identity";
import { type EmulatorHandle, startEmulator } from "../../emulator";
import { type AzuriteHandle, startAzurite, trustCaInProcess } from "../../scripts/lib/azurite";

export interface BlobTenant {
  emulator: EmulatorHandle;
  azurite: AzuriteHandle;
  /** The emulator's app, signed in with the real @azure/identity. */
  credential: ClientSecretCredential;
}

/** Registers the suite's start and stop; the returned function gives the running tenant inside tests. */
export function blobTenant(seed: string, startTimeoutMs = 120_000): () => BlobTenant {
  let tlsDir: string | undefined;
  let running: Partial<BlobTenant> = {};
  beforeAll(async () => {
    tlsDir = mkdtempSync(join(tmpdir(), `${seed}-tls-`));
    const emulator = await startEmulator({ quiet: true, seed, tlsDir });
    running = { emulator };
    const azurite = await startAzurite(tlsDir);
    trustCaInProcess(emulator.caFile);
    const credential = new ClientSecretCredential(emulator.tenantId, emulator.clientId, emulator.clientSecret, { authorityHost: emulator.authorityHost, disableInstanceDiscovery: true });
    running = { emulator, azurite, credential };
  }, startTimeoutMs);
  afterAll(async () => {
    await running.azurite?.close();
    await running.emulator?.close();
    if (tlsDir) rmSync(tlsDir, { recursive: true, force: true });
  });
  return () => {
    const { emulator, azurite, credential } = running;
    if (!emulator || !azurite || !credential) throw new Error(`the blob tenant of ${seed} did not start`);
    return { emulator, azurite, credential };
  };
}
