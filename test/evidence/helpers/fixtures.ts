/**
 * Test material for the evidence module: ZIPs built with yazl, a fake GetPackageUri that counts
 * calls, a clock whose sleeps pass instantly in virtual time, and outputs of a Succeeded action.
 */
import { createHash, randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ZipFile } from "yazl";
import { MdeNotFoundError } from "../../../provider/api/errors";
import { type CollectionOutputs, STATE_VERSION } from "../../../provider/resource/state";
import type { Clock } from "../../../provider/util/clock";
import type { StorageServer } from "./storageServer";

export const MACHINE_ID = "1e5bc9d7e413ddd7902c2932e418702b84d0cc07";
export const ACTION_ID = "7f1a8a0e-2f0c-4c39-9a70-3b1b9f1d2e11";
export const ACTION_ID_2 = "0c5d1f5e-8a2b-4a6e-9d1c-5f2e7a9b3c40";

/** Hex SHA-256 of `b`, as manifests and custody lines record it. */
export const sha256 = (b: Buffer) => createHash("sha256").update(b).digest("hex");

/** A ZIP with a few text files and one stored binary file of `binaryBytes` (no compression). */
export async function buildZip(binaryBytes = 64 * 1024, seed = "a"): Promise<Buffer> {
  const z = new ZipFile();
  const mtime = new Date(Date.UTC(2025, 0, 1));
  z.addBuffer(Buffer.from(`System information for ${seed}\n`.repeat(50)), "System Information/SystemInformation.txt", { mtime });
  z.addBuffer(Buffer.from("Name,Pid\nsvchost.exe,4\n".repeat(100)), "Processes/Processes.csv", { mtime });
  z.addBuffer(randomBytes(binaryBytes), "WdSupportLogs/MPSupportFiles.cab", { mtime, compress: false });
  z.end();
  const chunks: Buffer[] = [];
  for await (const c of z.outputStream as AsyncIterable<Buffer>) chunks.push(c);
  return Buffer.concat(chunks);
}

/** Outputs of a collection that has Succeeded, as the resource hands them to `fetch`. */
export function succeededOutputs(directory: string, overrides: Partial<CollectionOutputs> = {}): CollectionOutputs {
  return {
    stateVersion: STATE_VERSION,
    machineId: MACHINE_ID,
    computerDnsName: "ws-0042.contoso.local",
    comment: "IR-1234 suspicious lateral movement",
    triggers: {},
    marker: null,
    waitForCompletion: true,
    timeoutMinutes: 30,
    evidenceDirectory: directory,
    cancelOnDelete: false,
    actionId: ACTION_ID,
    status: "Succeeded",
    adopted: false,
    requestor: "3f2c1a0e-5b6d-4c7e-8f90-a1b2c3d4e5f6",
    requestorComment: "IR-1234 suspicious lateral movement",
    creationDateTimeUtc: "2026-01-01T00:00:00.000Z",
    lastUpdateDateTimeUtc: "2026-01-01T00:04:30.123Z",
    errorHResult: null,
    ...overrides,
  };
}

/** A GetPackageUri that asks the storage server for a link and records each call. */
export class FakePackageApi {
  readonly calls: Array<{ actionId: string; atMs: number }> = [];
  /** Answer 404 (action not complete) to these action ids. */
  readonly notReady = new Set<string>();

  constructor(
    private readonly storage: StorageServer,
    private readonly clock: Clock,
    private readonly wrap: (link: string) => string = (l) => l,
  ) {}

  async getPackageUri(actionId: string): Promise<string> {
    this.calls.push({ actionId, atMs: this.clock.now() });
    if (this.notReady.has(actionId)) {
      throw new MdeNotFoundError(`MDE GET /api/machineactions/${actionId}/GetPackageUri: 404 ResourceNotFound`, { status: 404, code: "ResourceNotFound" });
    }
    return this.wrap(this.storage.issue(actionId));
  }
}

/** Virtual time whose sleeps end at once (after letting I/O run), recording every delay asked for. */
export class InstantClock implements Clock {
  readonly sleeps: number[] = [];
  constructor(private current = Date.UTC(2026, 0, 1, 0, 5)) {}
  now(): number {
    return this.current;
  }
  advance(ms: number): void {
    this.current += ms;
  }
  async sleep(ms: number): Promise<void> {
    this.sleeps.push(ms);
    this.current += ms;
    await new Promise<void>((r) => setImmediate(r));
  }
}

export async function tempDir(label: string): Promise<{ path: string; cleanup(): Promise<void> }> {
  const path = await mkdtemp(join(tmpdir(), `mde-evidence-${label}-`));
  return { path, cleanup: () => rm(path, { recursive: true, force: true }) };
}

/** A fresh temporary folder for each test of the enclosing `describe`, removed after the test. */
export function tempDirEachTest(label: string): { readonly path: string } {
  let temp: { path: string; cleanup(): Promise<void> } | undefined;
  beforeEach(async () => {
    temp = await tempDir(label);
  });
  afterEach(() => temp?.cleanup());
  return {
    get path() {
      return temp!.path;
    },
  };
}
