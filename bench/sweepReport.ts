/**
 * The results of the one-resource InvestigationSweep, beside today's component design: in-process
 * (no engine) up to 10,000 machines with peak memory, and through `pulumi up` at Pulumi's default
 * `--parallel`, with what the engine costs and what the state weighs per machine.
 */
import type { EngineResults } from "./engine";
import type { SweepEngineResults } from "./engineSweep";
import type { RunMetrics } from "./metrics";

const TARGET = 1.03;
const STATE_TARGET_BYTES = 600;

export function sweepMarkdown(runs: readonly RunMetrics[], sweep: SweepEngineResults | undefined, component: EngineResults | undefined): string[] {
  const inProcess = runs.filter((m) => m.policy === "sweep" && m.mode === "collect");
  if (inProcess.length === 0 && !sweep) return [];
  const lines = ["## InvestigationSweep as one resource", ""];
  lines.push(
    "One dynamic resource owns the collections of every machine: one of Pulumi's operation slots whatever the fleet, its provider shim stored once, a few hundred bytes per machine. " +
      "Each machine goes through the single collection's lifecycle (adoption pre-check, limiter, custody); the sweep paces its polls by its length (young actions every second up to 1000 machines; every 44 s and within the hour's reads at 10,000).",
    "",
  );
  if (inProcess.length > 0) {
    lines.push("In-process (the sweep provider runtime, one `create`, no engine). Memory is the bench process's, the in-process emulator's included, at the start of the run and at its peak.", "");
    lines.push("| machines | wall (min) | bound (min) | × bound | collected | 429s | duplicate POSTs | API calls per collection | memory at start → peak, RSS (heap), MiB | scale |");
    lines.push("|---:|---:|---:|---:|---:|---:|---:|---|---|---:|");
    for (const m of inProcess) {
      const calls = Object.entries(m.callsPerCollection).sort(([, a], [, b]) => (b ?? 0) - (a ?? 0)).map(([k, n]) => `${k} ${n}`).join(", ");
      const mem = m.memory ? `${m.memory.startRssMiB} (${m.memory.startHeapMiB}) → ${m.memory.peakRssMiB} (${m.memory.peakHeapMiB})` : "–";
      lines.push(`| ${m.machines} | ${m.wallMin.toFixed(2)} | ${m.boundMin.toFixed(2)} | ×${m.ratio.toFixed(3)} | ${m.collected}/${m.machines} | ${m.tooManyRequests} | ${m.duplicatePosts} | ${calls} | ${mem} | ${m.timeScale} |`);
    }
    lines.push("");
  }
  if (sweep) lines.push(...engineTables(sweep, component));
  lines.push("### Targets of the one-resource sweep", "");
  const check = (ok: boolean) => (ok ? "met" : "**missed**");
  for (const r of sweep?.collection ?? []) {
    lines.push(`- \`pulumi up\` of ${r.machines} machines at the default \`--parallel\` within 3% of the quota bound: ×${r.ratio?.toFixed(3) ?? "–"} (${r.collectionMin} vs ${r.boundMin} min): ${check(r.ok && r.ratio !== null && r.ratio <= TARGET)}.`);
  }
  const big = inProcess.find((m) => m.machines === 10_000);
  if (big) lines.push(`- 10,000 machines in-process within 3% of the bound: ×${big.ratio.toFixed(3)} (${big.wallMin.toFixed(1)} vs ${big.boundMin.toFixed(1)} min), peak RSS ${big.memory?.peakRssMiB ?? "–"} MiB: ${check(big.collected === big.machines && big.ratio <= TARGET)}.`);
  for (const c of sweep?.cost ?? []) {
    lines.push(`- State at ${c.machines} machines at most ${STATE_TARGET_BYTES} bytes per machine: ${c.bytesPerMachine} (${(c.checkpointBytes / 1024).toFixed(0)} KiB in all): ${check(c.ok && c.bytesPerMachine <= STATE_TARGET_BYTES)}.`);
  }
  const all = [...inProcess.map((m) => [m.tooManyRequests, m.duplicatePosts]), ...(sweep?.collection ?? []).map((r) => [r.tooManyRequests, r.duplicatePosts])];
  lines.push(`- Zero 429s and zero duplicate POSTs: ${all.reduce((n, [t]) => n + t, 0)} and ${all.reduce((n, [, d]) => n + d, 0)}: ${check(all.every(([t, d]) => t === 0 && d === 0))}.`, "");
  return lines;
}

function engineTables(sweep: SweepEngineResults, component: EngineResults | undefined): string[] {
  const lines = ["### Through `pulumi up` at Pulumi's default `--parallel`", ""];
  lines.push("examples/sweep selects the fleet by tag in the program; the CLI runs with its default parallelism (4 × CPUs = 8 here). The component design's run at the same default is shown for comparison.", "");
  lines.push("| design | machines | `pulumi up`, real s | start to first POST, real s | first POST to all final (min) | bound (min) | × bound | last poll to end, real s | 429s | duplicate POSTs | scale |");
  lines.push("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
  for (const c of (component?.collection ?? []).filter((x) => x.parallel === null)) {
    lines.push(`| component (a child per machine) | ${c.machines} | ${c.upRealSeconds} | ${c.startupRealSeconds ?? "–"} | ${c.collectionMin ?? "–"} | ${c.boundMin} | ${c.ratio !== null ? `×${c.ratio.toFixed(3)}` : "–"} | ${c.finishRealSeconds ?? "–"} | ${c.tooManyRequests} | ${c.duplicatePosts} | ${c.timeScale} |`);
  }
  for (const r of sweep.collection) {
    lines.push(`| **one resource** | ${r.machines} | ${r.upRealSeconds} | ${r.startupRealSeconds ?? "–"} | ${r.collectionMin ?? "–"} | ${r.boundMin} | ${r.ratio !== null ? `×${r.ratio.toFixed(3)}` : "–"} | ${r.finishRealSeconds ?? "–"} | ${r.tooManyRequests} | ${r.duplicatePosts} | ${r.timeScale} |`);
  }
  lines.push("", "### Engine time and state size", "");
  lines.push(
    "`waitForCompletion: false` at a time scale of 600 (the quota's POST schedule of 10,000 machines, 6.7 emulated hours, takes 40 real seconds); the one-resource runs split `pulumi up` into the engine's start (CLI, program, lookup, plugin, check, diff: before the first POST), the POST schedule the quota sets, and the finish (outputs, final checkpoint).",
    "",
  );
  lines.push("| design | machines | resources | `pulumi up`, real s | engine before first POST, real s | POST schedule, real s | engine after last POST, real s | state (KiB) | bytes per machine |");
  lines.push("|---|---:|---:|---:|---:|---:|---:|---:|---:|");
  for (const c of (component?.cost ?? []).filter((x) => !x.skipCheckpoints)) {
    lines.push(`| component | ${c.machines} | ${c.resources} | ${c.upRealSeconds} | – | – | – | ${(c.checkpointBytes / 1024).toFixed(0)} | ${Math.round(c.checkpointBytes / c.machines)} |`);
  }
  for (const c of sweep.cost) {
    lines.push(`| **one resource** | ${c.machines} | ${c.resources} | ${c.upRealSeconds} | ${c.startupRealSeconds ?? "–"} | ${c.postsRealSeconds ?? "–"} | ${c.finishRealSeconds ?? "–"} | ${(c.checkpointBytes / 1024).toFixed(0)} | ${c.bytesPerMachine} |`);
  }
  lines.push("");
  return lines;
}
