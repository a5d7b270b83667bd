/**
 * The life of one collection: request (or adopt), wait for a final status within the time
 * allowed, then keep the evidence. Failures after the action exists carry its id, so Pulumi
 * records the collection and the next `pulumi up` resumes it instead of requesting another.
 */
import { FINAL_STATUSES, type MachineAction } from "../api/schemas";
import type { ProviderContext } from "./context";
import type { CollectionInputs } from "./inputs";
import { resolveMachineId } from "./machines";
import { actionOf, type CollectionOutputs, toOutputs, withAction } from "./outputs";
import { ResourceInitError } from "./initError";
import { WaitTimeoutError } from "./watcher";

export { ResourceInitError };

export function describe(outs: Pick<CollectionOutputs, "actionId" | "machineId" | "computerDnsName">): string {
  const name = outs.computerDnsName ? ` (${outs.computerDnsName})` : "";
  return `collection ${outs.actionId} on ${outs.machineId}${name}`;
}

export async function requestCollection(
  ctx: ProviderContext,
  inputs: CollectionInputs,
  providerProps: Record<string, unknown>,
): Promise<CollectionOutputs> {
  if (inputs.evidenceDirectory) await ctx.evidence?.preflight(inputs.evidenceDirectory as string);
  const machineId = await resolveMachineId(ctx.api, inputs as { machineId?: string; computerDnsName?: string });
  // Adopt a collection already running on the device rather than POSTing: MDE would refuse a
  // second one, and this is how the collection of a `pulumi up` killed mid-wait is found again.
  // The check is shared with the creates running at the same time (activeCollections.ts).
  const running = await ctx.activeCollections.find(machineId);
  const { action, adopted } = running
    ? { action: running, adopted: true }
    : await ctx.api.collectInvestigationPackage(machineId, inputs.comment as string);
  const outs = toOutputs(inputs, action, adopted);
  ctx.log(`${describe(outs)}: ${action.status} (${adopted ? "adopted a collection already running" : "requested"})`);
  if (outs.evidenceDirectory) {
    try {
      await ctx.evidence?.record(outs.evidenceDirectory, adopted ? "adopted" : "requested", outs);
    } catch (err) {
      // The collection exists now: its id must reach state even if the custody log cannot be written.
      const message = `${describe(outs)}: requested, but the custody log could not be written: ${(err as Error).message}`;
      throw new ResourceInitError(message, outs.actionId, { ...outs, ...providerProps });
    }
  }
  return outs;
}

/**
 * Waits (when asked to) and fetches evidence (when asked for). Throws a ResourceInitError that
 * carries the latest outputs when the collection ended badly or the wait ran out.
 */
export async function settleCollection(
  ctx: ProviderContext,
  outs: CollectionOutputs,
  providerProps: Record<string, unknown>,
): Promise<CollectionOutputs> {
  let current = outs;
  const fail = (message: string) => new ResourceInitError(message, current.actionId, { ...current, ...providerProps });
  if (outs.waitForCompletion && !FINAL_STATUSES.has(outs.status as MachineAction["status"])) {
    const deadlineMs = ctx.clock.now() + (outs.timeoutMinutes * 60_000) / ctx.timeScale;
    try {
      const final = await ctx.watcher.waitForFinal(actionOf(outs), {
        deadlineMs,
        onChange: (a) => {
          current = withAction(current, a);
          ctx.log(`${describe(current)}: ${a.status}`);
        },
      });
      current = withAction(current, final);
    } catch (err) {
      if (err instanceof WaitTimeoutError) {
        current = withAction(current, err.last);
        throw fail(
          `${describe(current)} is still ${current.status} after ${outs.timeoutMinutes} minutes; ` +
            "the collection keeps running in MDE and the next `pulumi up` resumes waiting for it (raise timeoutMinutes to wait longer)",
        );
      }
      throw fail(`${describe(current)}: waiting for it failed: ${(err as Error).message}. The next \`pulumi up\` resumes waiting`);
    }
  }
  if (current.status !== "Succeeded" && FINAL_STATUSES.has(current.status as MachineAction["status"])) {
    if (current.evidenceDirectory) await ctx.evidence?.record(current.evidenceDirectory, "failed", current);
    throw fail(
      `${describe(current)} ended ${current.status}` +
        (current.errorHResult ? ` with errorHResult ${current.errorHResult}` : "") +
        ". The device may be offline, on a metered connection or low on battery; the next `pulumi up` requests a new collection",
    );
  }
  if (current.status === "Succeeded" && current.evidenceDirectory && !current.packagePath && ctx.evidence) {
    try {
      current = { ...current, ...(await ctx.evidence.fetch(current, { adopted: current.adopted })) };
    } catch (err) {
      throw fail(`${describe(current)} succeeded but its package could not be kept: ${(err as Error).message}. The next \`pulumi up\` tries again`);
    }
  }
  return current;
}
