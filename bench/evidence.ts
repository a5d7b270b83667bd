/**
 * Evidence benchmark (not part of `npm run bench`'s sweep): `node dist/bench/evidence.js
 * [--sizes 50,1024] [--verify 100]`.
 *
 * 1. One package of each size (MiB) through the real evidence handler into a blob container on
 *    Azurite (HTTPS + OAuth, token from real @azure/identity against the MDE emulator), and into a
 *    local folder: wall time, throughput, and this process's peak RSS during the fetch (sampled
 *    every 20 ms; Azurite runs in its own process and is not counted). Each is measured beside
 *    its reference in the same run (bench/references.ts): `sha256sum` + `cp` + `sync` of the same
 *    file for the folder, and @azure/storage-blob's bare `uploadStream` of the same bytes to the
 *    same Azurite for the blob; the table gives the ratio (goal: 80% or more).
 * 2. `verify` over a signed folder of N packages of 1 MiB: wall time.
 * Packages are stored ZIPs of random bytes, built on disk and served from a loopback server, so
 * nothing but the pass under test holds them.
 */
import { createHash, generateKeyPairSync, randomBytes } from "node:crypto";
import { createWriteStream, mkdtempSync, rmSync } from "node:fs";
import { spawn } from "node:child_process";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { ClientSecretCredential } from "@azure/identity";
import { ContainerClient } from "@azure/storage-blob";
import { ZipFile } from "yazl";
import { startEmulator } from "../emulator";
import { createEvidenceHandler, SerialQueue } from "../provider/evidence";
import { loadPublicKey } from "../provider/evidence/signingKey";
import { type CollectionOutputs, STATE_VERSION } from "../provider/resource/state";
import { verifyLocation } from "../provider/verify/checks";
import { folderSource } from "../provider/verify/source";
import { startAzurite, trustCaInProcess } from "../scripts/lib/azurite";
import { bareBlobUpload, hashCopySync } from "./references";

const MIB = 1024 * 1024;
const arg = (name: string, fallback: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : fallback;
};

async function buildPackage(file: string, bytes: number): Promise<void> {
  const z = new ZipFile();
  z.addBuffer(Buffer.from("System information\n".repeat(50)), "System Information/SystemInformation.txt");
  let left = bytes;
  const random = new Readable({
    read() {
      if (left <= 0) return void this.push(null);
      const n = Math.min(MIB, left);
      left -= n;
      this.push(randomBytes(n));
    },
  });
  z.addReadStream(random, "WdSupportLogs/MPSupportFiles.cab", { compress: false, size: bytes });
  z.end();
  await pipeline(z.outputStream, createWriteStream(file));
}

/**
 * The storage host, in a child process: MDE's storage is another machine, so serving the bytes
 * must not take CPU from the process under measurement (as an in-process server did).
 */
async function serve(files: Map<string, string>): Promise<{ server: { close(): void }; url: (id: string) => string }> {
  const script = `
    const http = require("node:http"), fs = require("node:fs");
    const server = http.createServer((req, res) => {
      const file = decodeURIComponent(new URL(req.url, "http://x").pathname.slice(1));
      fs.stat(file, (err, st) => {
        if (err) return void res.writeHead(404).end();
        res.writeHead(200, { "content-type": "application/zip", "content-length": st.size });
        fs.createReadStream(file, { highWaterMark: 1 << 20 }).pipe(res);
      });
    });
    server.listen(0, "127.0.0.1", () => process.stdout.write(server.address().port + "\\n"));`;
  const child = spawn(process.execPath, ["-e", script], { stdio: ["ignore", "pipe", "inherit"] });
  const port = await new Promise<number>((done, fail) => {
    child.stdout.once("data", (d: Buffer) => done(Number(d.toString().trim())));
    child.once("exit", (code) => fail(new Error(`the storage server exited (${code})`)));
  });
  const url = (id: string) => `http://127.0.0.1:${port}/${encodeURIComponent(files.get(id) ?? "missing")}?sig=bench`;
  return { server: { close: () => child.kill() }, url };
}

const outputs = (where: string, i: number): CollectionOutputs => ({
  stateVersion: STATE_VERSION,
  machineId: createHash("sha1").update(`m${i}`).digest("hex"),
  computerDnsName: `bench-${i}.contoso.local`,
  comment: "bench",
  triggers: {},
  marker: null,
  waitForCompletion: true,
  timeoutMinutes: 60,
  evidenceDirectory: where,
  cancelOnDelete: false,
  actionId: `00000000-0000-4000-8000-${String(i).padStart(12, "0")}`,
  status: "Succeeded",
  adopted: false,
  requestor: "bench",
  requestorComment: "bench",
  creationDateTimeUtc: new Date().toISOString(),
  lastUpdateDateTimeUtc: new Date().toISOString(),
  errorHResult: null,
});

async function peakRssDuring<T>(fn: () => Promise<T>): Promise<{ value: T; ms: number; peakMiB: number; baseMiB: number }> {
  global.gc?.();
  const base = process.memoryUsage().rss;
  let peak = base;
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20);
  const t0 = performance.now();
  try {
    const value = await fn();
    return { value, ms: performance.now() - t0, peakMiB: peak / MIB, baseMiB: base / MIB };
  } finally {
    clearInterval(timer);
  }
}

async function main(): Promise<void> {
  const sizes = arg("sizes", "50,1024").split(",").map(Number);
  const verifyCount = Number(arg("verify", "100"));
  const temp = mkdtempSync(join(tmpdir(), "bench-evidence-"));
  const emulator = await startEmulator({ quiet: true, seed: "bench", tlsDir: join(temp, "tls") });
  const azurite = await startAzurite(join(temp, "tls"));
  trustCaInProcess(emulator.caFile);
  const credential = new ClientSecretCredential(emulator.tenantId, emulator.clientId, emulator.clientSecret, { authorityHost: emulator.authorityHost, disableInstanceDiscovery: true });
  const files = new Map<string, string>();
  const { server, url } = await serve(files);
  const handler = createEvidenceHandler({ api: { getPackageUri: async (id) => url(id) }, apiOrigin: "https://api.security.microsoft.com", blobCredential: () => credential, queue: new SerialQueue() });
  const rows: string[] = [
    "| package | destination | time | throughput | reference | reference throughput | ratio | peak RSS (baseline) |",
    "|---:|---|---:|---:|---|---:|---:|---:|",
  ];
  try {
    const container = new ContainerClient(`${azurite.endpoint}/bench`, credential);
    await container.create();
    for (const [n, mib] of sizes.entries()) {
      const file = join(temp, `pkg-${mib}.zip`);
      await buildPackage(file, mib * MIB);
      const destinations = [
        ["local folder", join(temp, "local"), "sha256sum + cp + sync", () => hashCopySync(file, join(temp, "ref-copy.zip"))],
        ["Azurite blob", `azblob://devstoreaccount1/bench/run?endpoint=${azurite.endpoint}`, "bare uploadStream", () => bareBlobUpload(container, `ref/${n}.zip`, file)],
      ] as const;
      for (const [i, [kind, where, refName, reference]] of destinations.entries()) {
        const outs = outputs(where, n * 2 + i);
        files.set(outs.actionId, file);
        await handler.preflight(where);
        const refMs = await reference();
        const r = await peakRssDuring(() => handler.fetch(outs, { adopted: false }));
        const size = r.value.packageSizeBytes / MIB;
        const [ours, ref] = [size / (r.ms / 1000), size / (refMs / 1000)];
        rows.push(
          `| ${mib} MiB | ${kind} | ${(r.ms / 1000).toFixed(2)} s | ${ours.toFixed(1)} MiB/s | ${refName} | ${ref.toFixed(1)} MiB/s | ${((100 * ours) / ref).toFixed(0)}% | ${r.peakMiB.toFixed(0)} MiB (${r.baseMiB.toFixed(0)}) |`,
        );
        console.error(rows.at(-1));
      }
      rmSync(file);
    }
    if (verifyCount > 0) rows.push("", await benchVerify(temp, verifyCount, url, files));
  } finally {
    server.close();
    await azurite.close();
    await emulator.close();
    rmSync(temp, { recursive: true, force: true });
  }
  console.log(rows.join("\n"));
}

async function benchVerify(temp: string, count: number, url: (id: string) => string, files: Map<string, string>): Promise<string> {
  const keys = generateKeyPairSync("ed25519");
  const pkg = join(temp, "verify-pkg.zip");
  await buildPackage(pkg, MIB);
  const dir = join(temp, "verify");
  const handler = createEvidenceHandler({
    api: { getPackageUri: async (id) => url(id) },
    apiOrigin: "https://api.security.microsoft.com",
    queue: new SerialQueue(),
    signingKey: { pem: keys.privateKey.export({ type: "pkcs8", format: "pem" }).toString(), origin: "bench" },
  });
  await handler.preflight(dir);
  for (let i = 0; i < count; i++) {
    const outs = outputs(dir, 1000 + i);
    files.set(outs.actionId, pkg);
    await handler.fetch(outs, { adopted: false });
  }
  const pub = loadPublicKey(keys.publicKey.export({ type: "spki", format: "pem" }).toString(), "bench");
  const t0 = performance.now();
  const report = await verifyLocation(folderSource(dir), pub);
  const ms = performance.now() - t0;
  if (report.problems.length) throw new Error(`verify found problems: ${report.problems[0]}`);
  return `verify: ${report.rows.length} signed packages of 1 MiB, ${report.chain.lines} custody lines: ${(ms / 1000).toFixed(2)} s`;
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
