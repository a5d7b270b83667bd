/**
 * Where a device's facts wait between the report's two passes (findings/index.ts): one JSON line
 * per Windows device in a private file inside the output folder (never outside --out), read back
 * in order and removed at the end, whatever happens. Reading the facts back costs a fraction of
 * parsing the package again (its ZIP, CSVs and EVTX), and the report's memory stays that of one
 * device, not of the fleet.
 */
import { randomBytes } from "node:crypto";
import { createReadStream } from "node:fs";
import { open, rm, type FileHandle } from "node:fs/promises";
import { join } from "node:path";
import { createInterface } from "node:readline";
import type { DeviceFacts } from "./facts";

export interface FactsSpill {
  write(d: DeviceFacts): Promise<void>;
  /** The devices written, in the order written. */
  readBack(): AsyncIterable<DeviceFacts>;
  remove(): Promise<void>;
}

export async function factsSpill(dir: string): Promise<FactsSpill> {
  const file = join(dir, `.facts-${process.pid}-${randomBytes(4).toString("hex")}.jsonl.tmp`);
  let fh: FileHandle | undefined = await open(file, "wx", 0o600);
  return {
    async write(d) {
      await fh!.write(`${JSON.stringify(d)}\n`);
    },
    async *readBack() {
      await fh?.close();
      fh = undefined;
      const lines = createInterface({ input: createReadStream(file), crlfDelay: Infinity });
      for await (const line of lines) if (line) yield JSON.parse(line) as DeviceFacts;
    },
    async remove() {
      await fh?.close().catch(() => undefined);
      fh = undefined;
      await rm(file, { force: true });
    },
  };
}
