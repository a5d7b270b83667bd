/**
 * The line a reviewer reads in `pulumi preview` (and `up`) for a sweep that changes: which
 * machines are added, which leave the selection, which are collected again, by device name.
 *
 * Why a line of the provider's: Pulumi's Node.js dynamic-provider server forwards no detailed
 * diff (pulumi-dynamic-providers.md), so the engine can only show the inputs' own diff (the
 * `devices` map, inputs.ts) and a count; the plan (plan.ts) knows more: a machine collected
 * again is no input change at all, only a new round or a failed previous attempt.
 */
import type { SweepInputs } from "./inputs";
import { planSweep } from "./plan";
import type { SweepState } from "./state";

/** Names listed per group before "and n more": enough for a pull request, short enough for a log line. */
const LISTED = 10;

function names(ids: string[], byId: Record<string, string>): string {
  const shown = ids.slice(0, LISTED).map((id) => (byId[id] && byId[id] !== id ? byId[id] : id));
  return `${shown.join(", ")}${ids.length > LISTED ? ` and ${ids.length - LISTED} more` : ""}`;
}

/** The summary, or undefined when no machine is added, removed or collected again. */
export function previewSummary(previous: SweepState, inputs: SweepInputs & { machineIds: string[] }, devices: Record<string, string>): string | undefined {
  const plan = planSweep(previous, inputs);
  const added: string[] = [];
  const again: string[] = [];
  for (const [id, step] of plan.steps) {
    if (step.kind === "collect" && !step.previous) added.push(id);
    else if (step.kind === "replace" || step.kind === "collect") again.push(id);
  }
  const removed = [...plan.removed.keys()];
  const known = { ...(previous.devices ?? {}), ...devices };
  const parts = [
    added.length ? `+${added.length} added: ${names(added, known)}` : "",
    removed.length ? `-${removed.length} removed: ${names(removed, known)} (${inputs.cancelOnDelete ? "running collections cancelled" : "collections left as they are"})` : "",
    again.length ? `~${again.length} collected again: ${names(again, known)}` : "",
  ].filter(Boolean);
  return parts.length ? `InvestigationSweep '${inputs.sweepName}': ${parts.join("; ")}` : undefined;
}
