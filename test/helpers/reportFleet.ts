/**
 * Evidence folders for the report's suites (bench/evidenceFleet.ts builds them, for the
 * benchmark too), and ZIP helpers to take packages apart and build hostile ones.
 */
import { PackageBuilder } from "../../emulator/packages/packages";
import { actionFor, fleetScenario } from "../../bench/evidenceFleet";

export { actionFor, fleetScenario, keepPackage, testCustodyLog, TENANT, writeFleet } from "../../bench/evidenceFleet";

/** One entry of a ZIP held in memory (tests only; the report itself never inflates into memory like this). */
export async function zipEntry(zip: Buffer, path: string): Promise<Buffer> {
  const yauzl = await import("yauzl");
  return new Promise((resolve, reject) => {
    yauzl.fromBuffer(zip, { lazyEntries: true }, (err, file) => {
      if (err || !file) return reject(err);
      file.on("entry", (e: import("yauzl").Entry) => {
        if (e.fileName !== path) return file.readEntry();
        file.openReadStream(e, (x, s) => {
          if (x || !s) return reject(x);
          const parts: Buffer[] = [];
          s.on("data", (b: Buffer) => parts.push(b)).on("end", () => resolve(Buffer.concat(parts)));
        });
      });
      file.on("end", () => reject(new Error(`${path} not in the ZIP`)));
      file.readEntry();
    });
  });
}

/** The Security.evtx of a one-device scenario with every plant, at about `mib` MiB. */
export async function sampleSecurityLog(mib?: number): Promise<Buffer> {
  const { PLANT_KINDS } = await import("../../emulator/scenario/plantSchema");
  const s = fleetScenario("evtx-sample", 1, PLANT_KINDS.map((kind) => ({ machine: "ws-00001.contoso.local", kind, ...(kind === "security-log-cleared" ? { hoursAgo: 100 } : {}) })), mib ? { securityLogMiB: mib } : undefined);
  const { bytes } = await new PackageBuilder("evtx-seed", s).build(actionFor(s.machines[0], 1));
  return zipEntry(bytes, "Security event log/Security.evtx");
}

/** Every entry of a ZIP in memory, in order. */
export async function zipEntries(zip: Buffer): Promise<Array<{ path: string; bytes: Buffer }>> {
  const yauzl = await import("yauzl");
  return new Promise((resolve, reject) => {
    const out: Array<{ path: string; bytes: Buffer }> = [];
    yauzl.fromBuffer(zip, { lazyEntries: true }, (err, file) => {
      if (err || !file) return reject(err);
      file.on("entry", (e: import("yauzl").Entry) =>
        file.openReadStream(e, (x, s) => {
          if (x || !s) return reject(x);
          const parts: Buffer[] = [];
          s.on("data", (b: Buffer) => parts.push(b)).on("end", () => (out.push({ path: e.fileName, bytes: Buffer.concat(parts) }), file.readEntry()));
        }),
      );
      file.on("end", () => resolve(out)).on("error", reject);
      file.readEntry();
    });
  });
}

/** A ZIP of these entries; a `zeros` entry streams that many zero bytes (a ZIP bomb without holding it in memory). */
export async function makeZip(entries: Array<{ path: string; bytes: Buffer } | { path: string; zeros: number }>): Promise<Buffer> {
  const { ZipFile } = await import("yazl");
  const { Readable } = await import("node:stream");
  const z = new ZipFile();
  for (const e of entries) {
    if ("bytes" in e) z.addBuffer(e.bytes, e.path, { mtime: new Date(0), compress: true });
    else {
      const chunk = Buffer.alloc(1024 * 1024);
      let left = e.zeros;
      z.addReadStream(new Readable({ read() { const n = Math.min(left, chunk.length); left -= n; this.push(n ? chunk.subarray(0, n) : null); } }), e.path, { mtime: new Date(0), compress: true });
    }
  }
  z.end();
  const parts: Buffer[] = [];
  for await (const c of z.outputStream as AsyncIterable<Buffer>) parts.push(c);
  return Buffer.concat(parts);
}
