/**
 * `MDE_REPORT_MEMORY=1`: one line on stderr per package read, saying where the report's memory
 * is (for bench/triageReport.ts, and for anyone who wonders why a report is as large as it is):
 * RSS, V8's heap (reserved and used), its young generation and that generation's bound (48 in
 * the CLI's worker: worker.ts; `v8` where V8 sizes it), and the memory outside the heap (zlib,
 * Buffers). With `--expose-gc`, every 10th line first collects and says what is still reachable
 * (`live`): what the report holds, as opposed to garbage not yet collected.
 */
import { getHeapSpaceStatistics } from "node:v8";
import { resourceLimits } from "node:worker_threads";

export const MEMORY_TRACE_ENV = "MDE_REPORT_MEMORY";

const mib = (bytes: number) => (bytes / 1048576).toFixed(1);

/** A per-package callback when the environment asks for it, else undefined. */
export function memoryTrace(write: (line: string) => void, env: NodeJS.ProcessEnv = process.env): (() => void) | undefined {
  if (env[MEMORY_TRACE_ENV] !== "1") return undefined;
  const gc = (globalThis as { gc?: () => void }).gc;
  let n = 0;
  return () => {
    n++;
    const live = gc && n % 10 === 0 ? (gc(), ` live=${mib(process.memoryUsage().heapUsed)}`) : "";
    const m = process.memoryUsage();
    const young = getHeapSpaceStatistics().find((s) => s.space_name === "new_space")?.space_size ?? 0;
    write(`memory package=${n} rss=${mib(m.rss)} heapTotal=${mib(m.heapTotal)} heapUsed=${mib(m.heapUsed)} young=${mib(young)} youngLimit=${resourceLimits.maxYoungGenerationSizeMb ?? "v8"} external=${mib(m.external)} arrayBuffers=${mib(m.arrayBuffers)}${live} MiB\n`);
  };
}
