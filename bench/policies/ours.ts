/**
 * Ours: the provider runtime itself (the code the dynamic-provider host loads), one `create`
 * per machine, all at once, as the engine issues them with `--parallel` at least the fleet size.
 * Same settings path as a real stack: `mde:*` config with `rateLimits.timeScale` matching the
 * emulator, the process-wide client, limiter, batched pre-check, watcher and evidence queue.
 *
 * `batchedPreCheck: false` swaps in the previous, one-list-call-per-create pre-check, to measure
 * what the batching buys.
 */
import { correlationMarker } from "../../provider/adoption/marker";
import { unbatchedFinder } from "../../provider/adoption/finder";
import { getSharedContext, stderrProgressLog } from "../../provider/resource/contextFactory";
import { collectionProvider } from "../../provider/resource/collectionProvider";
import { emulatorStackConfig } from "../../scripts/lib/emulatorConfig";
import type { MachineOutcome, Policy, PolicyInput } from "./types";

export function oursPolicy(options: { batchedPreCheck: boolean } = { batchedPreCheck: true }): Policy {
  return {
    id: options.batchedPreCheck ? "ours" : "ours-unbatched",
    label: options.batchedPreCheck
      ? "ours: InvestigationPackageCollection provider runtime (shared limiter, batched pre-check, list-call watcher)"
      : "ours, pre-check not batched (one list call per create, as before this change)",
    async prepare(input: PolicyInput): Promise<void> {
      const get = configOf(input);
      await collectionProvider.configure!({ config: { get, require: get } } as never);
      // Built here, before the runtime's first call, so the runtime's calls get this sink and pre-check.
      const ctx = getSharedContext(get, { log: benchProgressLog(), ...(options.batchedPreCheck ? {} : { collections: unbatchedFinder }) });
      // What a sweep's program does just before: look machines up (here one, to sign in and connect).
      await ctx.api.listMachines({ top: 1 });
    },
    async run(input: PolicyInput): Promise<MachineOutcome[]> {
      return Promise.all(
        input.machineIds.map(async (machineId): Promise<MachineOutcome> => {
          try {
            const { id, outs } = await collectionProvider.create({
              machineId,
              comment: input.comment,
              // What the resource computes in a program: one owner per machine, as for a stack of one resource each.
              marker: correlationMarker(["bench", input.comment, machineId], { comment: input.comment }),
              ...(input.packages ? { evidenceDirectory: input.evidenceDirectory } : {}),
              __provider: "bench",
            });
            const kept = typeof outs?.packagePath === "string";
            return { machineId, ok: outs?.status === "Succeeded" && (!input.packages || kept), actionId: id, packageKept: input.packages ? kept : undefined, finishedMs: input.now() };
          } catch (err) {
            return { machineId, ok: false, actionId: (err as { id?: string }).id, error: (err as Error).message, finishedMs: input.now() };
          }
        }),
      );
    },
  };
}

/** The stack config a real stack would hand the provider (`configure`): the one a test or script stack gets. */
export function configOf(input: PolicyInput): (key: string) => string | undefined {
  const config = emulatorStackConfig(input.target, input.target.timeScale);
  return (key) => config[key]?.value;
}

/**
 * The provider's progress lines (one or more per machine) would drown the bench's own output:
 * the bench's context sink prints only those `keep` picks, as the runtime prints them.
 */
export function benchProgressLog(keep: (line: string) => boolean = () => false): (line: string) => void {
  return (line) => {
    if (keep(line)) stderrProgressLog(line);
  };
}
