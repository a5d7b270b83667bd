/**
 * One runner of the quota-sharing case (quotaShare.ts), in a process of its own as a provider
 * host is: the sweep runtime over the machines it is given, with settings from the environment
 * (`MDE_*`, `AZURE_*`; with `MDE_QUOTA_LEDGER`, the shared ledger), then `closeSharedClients`
 * as at shutdown. Prints one JSON line: each machine's entry and the ledger's counters.
 * The four-runner e2e test (test/api/ledger/fourRunners.e2e.test.ts) runs this same file.
 */
import { getSharedLimiter, SlidingWindowLimiter } from "../provider/api/limiter";
import { LedgerSlotSource } from "../provider/api/ledger/ledgerSlots";
import { closeSharedClients } from "../provider/api/shared";
import { resolveSettings, settingsKey } from "../provider/api/settings";
import { getSweepContext } from "../provider/sweep/context";
import { checkSweepInputs, parseSweepInputs } from "../provider/sweep/inputs";
import { runSweep } from "../provider/sweep/run";

export interface RunnerTask {
  sweepName: string;
  machineIds: string[];
}

export async function runRunner(task: RunnerTask): Promise<unknown> {
  const checked = checkSweepInputs({ sweepName: task.sweepName, comment: `${task.sweepName}: one quota, several runners`, machineIds: task.machineIds, maxMachines: 10_000, timeoutMinutes: 600 });
  if (checked.failures.length > 0) throw new Error(JSON.stringify(checked.failures));
  const inputs = parseSweepInputs(checked.inputs);
  const sc = getSweepContext(() => undefined, inputs.machineIds.length);
  // The limiter the client above was built with (the first caller's options won).
  const limiter = getSharedLimiter(settingsKey(resolveSettings({ env: process.env })), { clock: sc.shared.clock });
  const state = await runSweep(sc, undefined, inputs, { progressIntervalMs: 600_000 });
  const slots = limiter instanceof SlidingWindowLimiter ? limiter.slots : undefined;
  const metrics = slots instanceof LedgerSlotSource ? { ...slots.metrics } : undefined;
  await closeSharedClients();
  return { machines: state.machines, metrics };
}

/** Runs the task in argv[2] and prints its result (or `{ fatal }`) as the last stdout line. */
export function runRunnerFromArgs(): void {
  runRunner(JSON.parse(process.argv[2]) as RunnerTask)
    .then((r) => console.log(JSON.stringify(r)))
    .catch((e: unknown) => console.log(JSON.stringify({ fatal: String((e as Error)?.stack ?? e) })));
}

if (require.main === module) runRunnerFromArgs();
