/**
 * Azurite (Microsoft's Azure Storage emulator, npm `azurite`) on loopback, in a temp folder,
 * over HTTPS with OAuth (`--oauth basic` needs https; Azurite checks a bearer token's issuer,
 * audience and lifetime, not its signature). The certificate is the MDE emulator's (same CA,
 * emulator/server/certs.ts), so one trusted CA covers token endpoint and storage. Telemetry is off:
 * nothing leaves loopback.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import * as tls from "node:tls";
import { readFileSync } from "node:fs";
import { ensureTls } from "../../emulator/server/certs";

const AZURITE_BLOB = join(dirname(require.resolve("azurite/package.json")), "dist/src/blob/main.js");
export const AZURITE_ACCOUNT = "devstoreaccount1";

export interface AzuriteHandle {
  /** The account's blob endpoint, path style: `https://127.0.0.1:<port>/devstoreaccount1`. */
  endpoint: string;
  port: number;
  caFile: string;
  close(): Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const srv = createServer().listen(0, "127.0.0.1", () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => done(port));
    });
    srv.on("error", fail);
  });
}

/** Starts Azurite's blob service with the TLS material in `tlsDir` (created when missing). */
export async function startAzurite(tlsDir: string): Promise<AzuriteHandle> {
  const material = ensureTls(tlsDir);
  const data = mkdtempSync(join(tmpdir(), "azurite-"));
  const port = await freePort();
  const child: ChildProcess = spawn(
    process.execPath,
    [AZURITE_BLOB, "--blobHost", "127.0.0.1", "--blobPort", String(port), "--location", data, "--oauth", "basic", "--cert", join(tlsDir, "server.crt"), "--key", join(tlsDir, "server.key"), "--disableTelemetry", "--skipApiVersionCheck", "--loose"],
    { stdio: ["ignore", "pipe", "pipe"] },
  );
  await new Promise<void>((done, fail) => {
    let out = "";
    const onData = (d: Buffer) => {
      out += d.toString();
      if (out.includes("successfully listens")) done();
    };
    child.stdout!.on("data", onData);
    child.stderr!.on("data", (d: Buffer) => (out += d.toString()));
    child.on("exit", (code) => fail(new Error(`azurite exited (${code}): ${out}`)));
  });
  return {
    endpoint: `https://127.0.0.1:${port}/${AZURITE_ACCOUNT}`,
    port,
    caFile: material.caFile,
    async close() {
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once("exit", r));
        child.kill("SIGTERM");
        await exited;
      }
      rmSync(data, { recursive: true, force: true });
    },
  };
}

/**
 * Trusts `caFile` in this process, in addition to the default CAs (and NODE_EXTRA_CA_CERTS),
 * which are kept: the Azure SDKs use Node's default TLS context.
 */
export function trustCaInProcess(caFile: string): void {
  const extra = readFileSync(caFile, "utf8");
  const current = tls.getCACertificates("default");
  if (!current.includes(extra.trim()) && !current.some((c) => c.trim() === extra.trim())) tls.setDefaultCACertificates([...current, extra]);
}
