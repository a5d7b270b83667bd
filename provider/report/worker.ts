/**
 * `mde-forensics report` runs in a worker thread whose young generation is bounded (48 MiB:
 * semi-spaces of 16 MiB), so its peak RSS does not grow with the fleet's length.
 *
 * Why: the report holds little (one device's facts, the fleet's counts: 23-27 MiB of live heap
 * at 10 to 1000 packages), but V8 grows the young generation each time the bytes that survived
 * its collections since the last growth pass its size, and shrinks it only when the process is
 * nearly idle. A long report survives more in total, so the young generation doubled with the
 * fleet (16 → 32 → 64 MiB semi-spaces at 10, 100 and 1000 packages on a 24 GB machine): 128 MiB
 * of collectable garbage in RSS at 1000 packages. Capped, the collector runs more often over a
 * smaller space; the report's time did not get worse (bench/README.md "Triage report"). A V8
 * flag on the bin would do the same, but is lost when the script is started as `node cli.js`,
 * and a child process would double the startup; a worker's `resourceLimits` travel with the code.
 *
 * Only the young generation is bounded: the old generation keeps V8's limit, so a large fleet
 * or package is never refused for memory here. From code (`createReport`) the caller's process
 * and its heap settings are used as they are.
 */
import { isMainThread, parentPort, Worker, workerData } from "node:worker_threads";

/** The worker's young generation in MiB (V8: two semi-spaces and the new large-object space, 16 MiB each). */
export const REPORT_YOUNG_GENERATION_MB = 48;

const ROLE = "mde-forensics report";

/** Runs `reportMain(argv)` in a bounded worker and resolves to its exit code; stdout and stderr are the process's. */
export async function reportCommand(argv: string[]): Promise<number> {
  // From TypeScript sources (ts-jest) a worker cannot load this file: run in this thread. The
  // built bin always takes the worker (test/report/bin.e2e.test.ts).
  if (__filename.endsWith(".ts")) return (await import("./cli")).reportMain(argv);
  const worker = new Worker(__filename, { workerData: { role: ROLE, argv }, resourceLimits: { maxYoungGenerationSizeMb: REPORT_YOUNG_GENERATION_MB } });
  return new Promise<number>((resolve, reject) => {
    let code: number | undefined;
    worker.on("message", (m: unknown) => (code = typeof m === "number" ? m : code));
    worker.on("error", reject);
    // 'exit' comes after the worker's stdout and stderr were handed to the process's.
    worker.on("exit", (exitCode) => resolve(code ?? (exitCode === 0 ? 2 : exitCode)));
  });
}

function isReportWorker(data: unknown): data is { role: string; argv: string[] } {
  return !isMainThread && typeof data === "object" && data !== null && (data as { role?: unknown }).role === ROLE;
}

if (isReportWorker(workerData)) {
  const { argv } = workerData;
  void import("./cli").then(async ({ reportMain }) => parentPort?.postMessage(await reportMain(argv)));
}
