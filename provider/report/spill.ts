/**
 * Where a device's facts wait between the report's two passes (findings/index.ts): one JSON line
 * per Windows device in a private file inside the output folder (never outside --out), read back
 * in order and removed at the end, whatever happens. Reading the facts back costs a fraction of
 * parsing the package again (its ZIP, CSVs and EVTX), and the report's memory stays that of one
 * device, not of the fleet.
 *
 * The file is removed from the folder right after it is opened and used through its descriptor,
 * so a killed report leaves nothing behind. Where an open file cannot be removed (Windows), it
 * keeps its name until the end, and a run killed there leaves it for the next run into the same
 * folder to remove (outputs.ts `removeStale`).
 */
import { randomBytes } from "node:crypto";
import { open, rm, unlink, type FileHandle } from "node:fs/promises";
import { join } from "node:path";
import type { DeviceFacts } from "./facts";

/** `.facts-<pid>-<8 hex>.jsonl.tmp`; the pid tells the next run whether its writer is gone. */
export const SPILL_NAME = /^\.facts-(\d+)-[0-9a-f]{8}\.jsonl\.tmp$/;

export interface FactsSpill {
  write(d: DeviceFacts): Promise<void>;
  /** The devices written, in the order written. */
  readBack(): AsyncIterable<DeviceFacts>;
  remove(): Promise<void>;
}

export async function factsSpill(dir: string): Promise<FactsSpill> {
  const file = join(dir, `.facts-${process.pid}-${randomBytes(4).toString("hex")}.jsonl.tmp`);
  const fh: FileHandle = await open(file, "wx+", 0o600);
  const named = await unlink(file).then(
    () => false,
    () => true,
  );
  let closed = false;
  return {
    async write(d) {
      await fh.write(`${JSON.stringify(d)}\n`);
    },
    async *readBack() {
      for await (const line of fh.readLines({ start: 0, autoClose: false })) if (line) yield JSON.parse(line) as DeviceFacts;
    },
    async remove() {
      if (!closed) await fh.close().catch(() => undefined);
      closed = true;
      if (named) await rm(file, { force: true });
    },
  };
}
