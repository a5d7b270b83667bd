/**
 * Builds investigation packages (ZIPs) on demand and remembers their SHA-256 and size, which the
 * control endpoint reports so tests can check what a client stored. Bytes depend only on the
 * seed, machine and action (fixed mtimes, seeded contents, AES-CTR keystream for binary files),
 * so the same seed gives the same hash on every run and every machine.
 */
import { createCipheriv, createHash } from "node:crypto";
import { ZipFile } from "yazl";
import { digest, SeededRandom } from "../util/ids";
import { unixEntries, windowsEntries, type PackageEntry } from "./packageLayout";
import type { StoredAction } from "../persistence/store";
import type { Scenario } from "../scenario/scenario";
import { EVIDENCE_DEFAULTS } from "../scenario/plantSchema";
import { buildSecurityLog, type SecurityLog } from "./securityLog";
import { windowsFiles } from "./windowsPackage";
import type { DeviceProfile } from "./deviceProfile";

export const PACKAGE_FILE_NAME = "WDATP_Investigation_Package.zip";
/** Every entry carries this mtime so the archive bytes never depend on the wall clock. */
const FIXED_MTIME = new Date(Date.UTC(2025, 0, 1, 0, 0, 0));
/** Bytes kept in memory across downloads; older packages are rebuilt when asked again. */
const CACHE_BYTES = 256 * 1024 * 1024;

export interface PackageInfo {
  actionId: string;
  machineId: string;
  fileName: string;
  sha256: string;
  size: number;
}

export class PackageBuilder {
  private readonly cache = new Map<string, Buffer>();
  private readonly infos = new Map<string, PackageInfo>();
  /** Security logs by machine: a device's log is the same for each of its collections, and the costliest file. */
  private readonly logs = new Map<string, SecurityLog>();

  /** Nothing is generated until a package is downloaded (a 10,000-device fleet costs nothing up front). */
  constructor(
    private readonly seed: string,
    private readonly scenario?: Pick<Scenario, "evidence" | "answerKey" | "machines">,
  ) {}

  /** The Security log of a machine and its per-ID event counts (built once per machine, kept while it fits). */
  securityLog(machineId: string, profile: DeviceProfile): SecurityLog {
    const cached = this.logs.get(machineId);
    if (cached) return cached;
    const evidence = this.scenario?.evidence ?? EVIDENCE_DEFAULTS;
    const log = buildSecurityLog(this.seed, profile, Date.parse(evidence.collectedAt), evidence.securityLogMiB);
    this.logs.set(machineId, log);
    let total = [...this.logs.values()].reduce((n, l) => n + l.bytes.length, 0);
    for (const [key, l] of this.logs) {
      if (total <= CACHE_BYTES / 2 || this.logs.size <= 1) break;
      this.logs.delete(key);
      total -= l.bytes.length;
    }
    return log;
  }

  /** The ZIP for a collection action (built once, then cached while it fits). */
  async build(action: StoredAction): Promise<{ bytes: Buffer; info: PackageInfo }> {
    const cached = this.cache.get(action.id);
    if (cached) return { bytes: cached, info: this.infos.get(action.id)! };
    let bytes = await zip(this.entries(action));
    const targetBytes = (action.packageSizeKiB ?? 0) * 1024;
    if (targetBytes > bytes.length) {
      // Pad with one stored file so the archive lands on the requested size (within a few bytes).
      const overhead = 2 * 46 + 2 * 30 + 64;
      const padName = action.osPlatform.startsWith("Windows") ? "WdSupportLogs/MPSupportFiles-extended.cab" : "File/OpenFileHandles.bin";
      const entries = [...this.entries(action), { path: padName, binarySize: Math.max(0, targetBytes - bytes.length - overhead) }];
      bytes = await zip(entries, this.keystreamFor(action));
    }
    const info: PackageInfo = {
      actionId: action.id,
      machineId: action.machineId,
      fileName: PACKAGE_FILE_NAME,
      sha256: createHash("sha256").update(bytes).digest("hex"),
      size: bytes.length,
    };
    this.infos.set(action.id, info);
    this.remember(action.id, bytes);
    return { bytes, info };
  }

  /** Hash and size, building the package if it was never built. */
  async info(action: StoredAction): Promise<PackageInfo> {
    return this.infos.get(action.id) ?? (await this.build(action)).info;
  }

  private entries(action: StoredAction): Array<PackageEntry & { keystream?: (n: number) => Buffer }> {
    const ctx = {
      computerDnsName: action.computerDnsName ?? action.machineId,
      machineId: action.machineId,
      actionId: action.id,
      osPlatform: action.osPlatform,
      random: new SeededRandom(`${this.seed}|${action.machineId}|${action.id}`),
    };
    const keystream = this.keystreamFor(action);
    if (!action.osPlatform.startsWith("Windows")) return unixEntries(ctx).map((e) => ({ ...e, keystream }));
    const machine = this.scenario?.machines.find((m) => m.id === action.machineId);
    const files = windowsFiles({
      seed: this.seed,
      machine: { id: action.machineId, computerDnsName: ctx.computerDnsName, osPlatform: action.osPlatform, lastIpAddress: machine?.lastIpAddress },
      actionId: action.id,
      evidence: this.scenario?.evidence ?? EVIDENCE_DEFAULTS,
      plants: (this.scenario?.answerKey ?? []).filter((p) => p.machineId === action.machineId),
      keystream: (n, label) => this.keystreamFor(action, label)(n),
      securityLog: (profile) => this.securityLog(action.machineId, profile).bytes,
    });
    return windowsEntries(files).map((e) => ({ ...e, keystream }));
  }

  /** A fast deterministic byte source (AES-256-CTR over zeros, keyed by seed + action). */
  private keystreamFor(action: StoredAction, label = ""): (n: number) => Buffer {
    return (n: number) => {
      const key = digest(this.seed, "package", action.machineId, action.id, label);
      const cipher = createCipheriv("aes-256-ctr", key, Buffer.alloc(16));
      return Buffer.concat([cipher.update(Buffer.alloc(n)), cipher.final()]);
    };
  }

  private remember(id: string, bytes: Buffer): void {
    this.cache.set(id, bytes);
    let total = [...this.cache.values()].reduce((s, b) => s + b.length, 0);
    for (const [key, buf] of this.cache) {
      if (total <= CACHE_BYTES || key === id) break;
      this.cache.delete(key);
      total -= buf.length;
    }
  }
}

async function zip(entries: Array<PackageEntry & { keystream?: (n: number) => Buffer }>, keystream?: (n: number) => Buffer): Promise<Buffer> {
  const z = new ZipFile();
  for (const e of entries) {
    if ("text" in e) {
      z.addBuffer(Buffer.from(e.text, "utf8"), e.path, { mtime: FIXED_MTIME, mode: 0o100644, compress: true });
    } else if ("bytes" in e) {
      z.addBuffer(e.bytes, e.path, { mtime: FIXED_MTIME, mode: 0o100644, compress: e.compress });
    } else {
      const source = e.keystream ?? keystream!;
      // Different files must not share bytes: offset the stream by the path's hash.
      const salt = digest(e.path).readUInt16BE(0);
      const bytes = source(e.binarySize + salt).subarray(salt);
      z.addBuffer(bytes, e.path, { mtime: FIXED_MTIME, mode: 0o100644, compress: false });
    }
  }
  z.end();
  const chunks: Buffer[] = [];
  for await (const chunk of z.outputStream as AsyncIterable<Buffer>) chunks.push(chunk);
  return Buffer.concat(chunks);
}
