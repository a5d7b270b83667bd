/**
 * The one-resource InvestigationSweep in-process: the sweep provider runtime the dynamic-provider
 * host loads, one `create` for the whole fleet (no engine). Same settings path as a stack (`mde:*`
 * config), same process-wide client, limiter, batched pre-check and evidence queue as `ours`.
 * Its summary lines ("sweep bench: 640/1000 Succeeded, ...") are left visible.
 */
import { getSharedContext } from "../../provider/resource/contextFactory";
import { sweepProvider } from "../../provider/sweep/sweepProvider";
import { benchProgressLog, configOf } from "./ours";
import type { MachineOutcome, Policy, PolicyInput } from "./types";

export const sweepPolicy: Policy = {
  id: "sweep",
  label: "ours: InvestigationSweep, one resource for the fleet (sweep provider runtime, one create)",
  async prepare(input: PolicyInput): Promise<void> {
    const get = configOf(input);
    await sweepProvider.configure!({ config: { get, require: get } } as never);
    // Built here, before the runtime's first call: its sink shows the sweep's summary lines only.
    const ctx = getSharedContext(get, { log: benchProgressLog((line) => line.startsWith("sweep ")) });
    // What the program's lookup does just before: sign in and connect.
    await ctx.api.listMachines({ top: 1 });
  },
  async run(input: PolicyInput): Promise<MachineOutcome[]> {
    let machines: Record<string, { actionId: string | null; status: string; packagePath?: string; error?: string }>;
    try {
      const { outs } = await sweepProvider.create({
        sweepName: "bench",
        selection: `${input.machineIds.length} machine ids`,
        machineIds: input.machineIds,
        comment: input.comment,
        triggers: {},
        waitForCompletion: true,
        timeoutMinutes: 60,
        evidenceDirectory: input.packages ? input.evidenceDirectory : null,
        cancelOnDelete: false,
        maxMachines: input.machineIds.length,
        __provider: "bench",
      });
      machines = outs.machines;
    } catch (err) {
      const props = (err as { properties?: { machines?: typeof machines } }).properties;
      if (!props?.machines) throw err;
      machines = props.machines;
    }
    const at = input.now();
    return input.machineIds.map((machineId) => {
      const m = machines[machineId];
      const kept = typeof m?.packagePath === "string";
      return { machineId, ok: m?.status === "Succeeded" && (!input.packages || kept), actionId: m?.actionId ?? undefined, packageKept: input.packages ? kept : undefined, error: m?.error, finishedMs: at };
    });
  },
};
