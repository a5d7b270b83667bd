/**
 * One `create` or `update` of a sweep: every selected machine's step (plan.ts) at once, each
 * through the single collection's lifecycle (machine.ts), so quotas, adoption pre-checks and
 * polls are shared and batched across the fleet; removed machines forgotten (cancelled with
 * cancelOnDelete); a summary line as counts change.
 *
 * A sweep with machines that did not succeed still returns its state: the caller turns it into
 * a ResourceInitError, so Pulumi keeps every action id and the next `pulumi up` resumes the
 * running machines and retries the failed ones.
 */
import { summariseQuotaWaits } from "../util/quotaWaitLines";
import type { SweepContext } from "./context";
import type { SweepInputs } from "./inputs";
import { cancelIfRunning, runMachine } from "./machine";
import { markerFor } from "./marker";
import { planSweep } from "./plan";
import { reportAfterSweep } from "./report";
import { type MachinePhase, SweepProgress } from "./progress";
import { isFinal, type HeldEntry, type SweepSettings, type SweepState, stateOf } from "./state";

export interface SweepRunOptions {
  /** @default 10 000 ms between summary lines */
  progressIntervalMs?: number;
}

export async function runSweep(
  sc: SweepContext,
  previous: SweepState | undefined,
  inputs: SweepInputs & { machineIds: string[] },
  options: SweepRunOptions = {},
): Promise<SweepState> {
  const { machineIds, ...settings } = inputs;
  // Once for the fleet, before any machine: a quota ledger that cannot be used is one error, not one per machine.
  await sc.shared.api.preflight?.();
  const markerOf = markerFor(settings);
  const plan = planSweep(previous, inputs);
  const initial = [...plan.steps].map(([id, step]): [string, MachinePhase] => [
    id,
    step.kind === "keep" ? step.entry.status : step.kind === "resume" || step.kind === "fetch" ? "running" : "queued",
  ]);
  const progress = new SweepProgress(
    { sweepName: settings.sweepName, clock: sc.shared.clock, log: sc.shared.log, nextCollectSlotMs: sc.nextCollectSlotMs, minIntervalMs: options.progressIntervalMs },
    initial,
  );
  const done = summariseQuotaWaits();
  try {
    const machines: Record<string, HeldEntry> = {};
    await Promise.all([
      ...[...plan.steps].map(async ([machineId, step]) => {
        const entry = await runMachine(sc.machine, {
          machineId,
          marker: markerOf(machineId),
          step,
          settings,
          onRequested: () => progress.set(machineId, "running"),
        });
        machines[machineId] = entry;
        progress.set(machineId, entry.status);
      }),
      forget(sc, settings, plan.removed),
    ]);
    progress.finish();
    return stateOf(settings, Object.fromEntries(machineIds.map((id) => [id, machines[id]])), await reportAfterSweep(sc.shared, settings));
  } finally {
    done();
  }
}

/** Machines no longer selected: nothing is kept for them; with cancelOnDelete, a running collection is cancelled. */
async function forget(sc: SweepContext, settings: SweepSettings, removed: Map<string, HeldEntry>): Promise<void> {
  if (removed.size > 0) sc.shared.log(`sweep ${settings.sweepName}: ${removed.size} machine(s) left the selection and are forgotten`);
  if (!settings.cancelOnDelete) return;
  await cancelRunning(sc, settings.sweepName, removed, `Cancelled: the machine left sweep ${settings.sweepName}`);
}

/** Cancels every stored collection still running; failures are reported, not thrown (a cancel is best effort). */
export async function cancelRunning(sc: SweepContext, sweepName: string, entries: Map<string, HeldEntry>, comment: string): Promise<number> {
  const running = [...entries].filter(([, e]) => e.actionId && !isFinal(e.status));
  const results = await Promise.allSettled(running.map(([, e]) => cancelIfRunning(sc.shared, e.actionId!, comment)));
  const failed = results.flatMap((r, i) => (r.status === "rejected" ? [`${running[i][0]}: ${(r.reason as Error)?.message ?? r.reason}`] : []));
  const cancelled = results.filter((r) => r.status === "fulfilled" && r.value.status === "Cancelled").length;
  if (running.length > 0) sc.shared.log(`sweep ${sweepName}: cancelled ${cancelled} running collection(s)${failed.length ? `; could not cancel ${failed.length}: ${failed.slice(0, 3).join("; ")}` : ""}`);
  return cancelled;
}

/** Why the sweep is incomplete, or undefined when every machine is where it should be. */
export function incompleteMessage(state: SweepState): string | undefined {
  const bad = Object.entries(state.machines).filter(([, e]) => e.status !== "Succeeded" && (state.waitForCompletion || isFinal(e.status) || !e.actionId));
  const missing = state.evidenceDirectory ? Object.entries(state.machines).filter(([, e]) => e.status === "Succeeded" && !e.packagePath) : [];
  const all = [...bad, ...missing];
  if (all.length === 0) return undefined;
  const c = state.counts;
  const summary = Object.entries(c).filter(([k, n]) => k !== "total" && n > 0).map(([k, n]) => `${n} ${k}`).join(", ");
  const examples = all.slice(0, 5).map(([id, e]) => `${id}${e.actionId ? ` (${e.actionId}, ${e.status})` : ""}: ${e.error ?? e.status}`);
  return (
    `sweep ${state.sweepName}: ${all.length} of ${c.total} machines did not finish with a kept result (${summary}). ` +
    `${examples.join("; ")}${all.length > 5 ? `; and ${all.length - 5} more` : ""}. ` +
    "Every action id is kept: the next `pulumi up` resumes the running collections and requests new ones where they failed; succeeded ones are never requested again"
  );
}
