/**
 * The life of one collection: find what the device already has, request (or resume, or adopt),
 * wait for a final status within the time allowed, then keep the evidence. Failures after the
 * action exists carry its id, so Pulumi records the collection and the next `pulumi up` resumes
 * it instead of requesting another.
 *
 * The pre-check lists the device's collections in any status and sorts them by correlation
 * marker (../adoption): this declaration's own collection, requested by a run that was killed or
 * whose reply was lost, is resumed (zero POSTs, `adopted: false`); an earlier round of the same
 * resource is never adopted (./replacement.ts); someone else's running collection is adopted.
 * The sweep calls these functions per machine with its own marker.
 */
import { classify } from "../adoption/candidates";
import { withMarker } from "../adoption/marker";
import { ACTIVE_STATUSES, FINAL_STATUSES } from "../api/schemas";
import type { ProviderContext } from "./context";
import type { CollectionInputs } from "./inputs";
import { resolveMachineId } from "./machines";
import { actionOf, toOutputs, withAction } from "./outputs";
import type { CollectionOutputs } from "./state";
import { recordSuperseded, waitForPreviousRound } from "./replacement";
import { WaitTimeoutError } from "./watcher";
import { ResourceInitError } from "./initError";
import { errorMessage, ForensicsError } from "../util/error";

export interface LifecycleOptions {
  /**
   * When the whole create must be done, on `ctx.clock`: waiting for an earlier round and for the
   * new collection share it. @default now + timeoutMinutes
   */
  deadlineMs?: number;
}

/** The end of the time `timeoutMinutes` allows, from now, on the API's time scale. */
export function deadlineFor(ctx: ProviderContext, timeoutMinutes: number): number {
  return ctx.clock.now() + (timeoutMinutes * 60_000) / ctx.timeScale;
}

export { ResourceInitError };

export function describe(outs: Pick<CollectionOutputs, "actionId" | "machineId" | "computerDnsName">): string {
  const name = outs.computerDnsName ? ` (${outs.computerDnsName})` : "";
  return `collection ${outs.actionId} on ${outs.machineId}${name}`;
}

export async function requestCollection(ctx: ProviderContext, inputs: CollectionInputs, providerProps: Record<string, unknown>, options: LifecycleOptions = {}): Promise<CollectionOutputs> {
  const { marker } = inputs;
  if (!marker) throw new ForensicsError("marker is missing: InvestigationPackageCollection computes it in the program; declare the resource with it");
  const deadlineMs = options.deadlineMs ?? deadlineFor(ctx, inputs.timeoutMinutes);
  // Before anything is asked of MDE: a quota ledger that cannot be used fails here, with what to fix.
  await ctx.api.preflight?.();
  if (inputs.evidenceDirectory) await ctx.evidence?.preflight(inputs.evidenceDirectory);
  const machineId = await resolveMachineId(ctx.api, inputs);
  // One list call, shared with the creates running at the same time (../adoption/finder.ts).
  const found = classify(await ctx.collections.find(machineId), machineId, marker, ctx.releasedActions);
  if (found.own) {
    const outs = toOutputs(inputs, found.own, false);
    ctx.log(`${describe(outs)}: ${found.own.status} (resumed: requested earlier for this declaration, found by its marker ${marker})`);
    await recordGuarded(ctx, outs, "resumed", providerProps);
    return outs;
  }
  const previousRuns = found.previous !== undefined && ACTIVE_STATUSES.has(found.previous.status);
  if (previousRuns) await waitForPreviousRound(ctx, found.previous!, { deadlineMs, timeoutMinutes: inputs.timeoutMinutes });
  // Someone else's collection running on the device: MDE would refuse ours, and theirs is what
  // gets collected. Never the earlier round's: that one was waited for above.
  const foreign = previousRuns ? undefined : found.foreign;
  const { action, adopted } = foreign
    ? { action: foreign, adopted: true }
    : await ctx.api.collectInvestigationPackage(machineId, withMarker(inputs.comment, marker), { deadlineMs });
  const outs = toOutputs(adopted ? { ...inputs, marker: undefined } : inputs, action, adopted);
  ctx.log(`${describe(outs)}: ${action.status} (${adopted ? "adopted a collection already running" : "requested"})`);
  await recordGuarded(ctx, outs, adopted ? "adopted" : "requested", providerProps);
  if (found.previous && !adopted && found.previous.id !== action.id) {
    const previous = found.previous;
    await guarded(outs, providerProps, "superseded", () => recordSuperseded(ctx, previous, outs));
  }
  return outs;
}

/** A custody event for a collection that exists: its id must reach state even if the log cannot be written. */
async function recordGuarded(ctx: ProviderContext, outs: CollectionOutputs, event: string, providerProps: Record<string, unknown>): Promise<void> {
  const location = outs.evidenceDirectory;
  if (!location || !ctx.evidence) return;
  const evidence = ctx.evidence;
  await guarded(outs, providerProps, event, () => evidence.record(location, event, outs));
}

async function guarded(outs: CollectionOutputs, providerProps: Record<string, unknown>, event: string, write: () => Promise<void>): Promise<void> {
  try {
    await write();
  } catch (err) {
    const message = `${describe(outs)}: ${event}, but the custody log could not be written: ${errorMessage(err)}`;
    throw new ResourceInitError(message, outs.actionId, { ...outs, ...providerProps });
  }
}

/**
 * Waits (when asked to) and fetches evidence (when asked for). Throws a ResourceInitError that
 * carries the latest outputs when the collection ended badly or the wait ran out.
 */
export async function settleCollection(ctx: ProviderContext, outs: CollectionOutputs, providerProps: Record<string, unknown>, options: LifecycleOptions = {}): Promise<CollectionOutputs> {
  let current = outs;
  const fail = (message: string) => new ResourceInitError(message, current.actionId, { ...current, ...providerProps });
  if (outs.waitForCompletion && !FINAL_STATUSES.has(outs.status)) {
    const deadlineMs = options.deadlineMs ?? deadlineFor(ctx, outs.timeoutMinutes);
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
      throw fail(`${describe(current)}: waiting for it failed: ${errorMessage(err)}. The next \`pulumi up\` resumes waiting`);
    }
  }
  if (current.status !== "Succeeded" && FINAL_STATUSES.has(current.status)) {
    // Guarded like "requested": a disk error here must not hide how the collection ended.
    let unrecorded = "";
    if (current.evidenceDirectory && ctx.evidence) {
      await ctx.evidence.record(current.evidenceDirectory, "failed", current).catch((err: unknown) => {
        unrecorded = ` (the custody log could not be written: ${errorMessage(err)})`;
      });
    }
    throw fail(
      `${describe(current)} ended ${current.status}` +
        (current.errorHResult ? ` with errorHResult ${current.errorHResult}` : "") +
        ". The device may be offline, on a metered connection or low on battery; the next `pulumi up` requests a new collection" +
        unrecorded,
    );
  }
  if (current.status === "Succeeded" && current.evidenceDirectory && !current.packagePath && ctx.evidence) {
    try {
      current = { ...current, ...(await ctx.evidence.fetch(current, { adopted: current.adopted })) };
    } catch (err) {
      throw fail(`${describe(current)} succeeded but its package could not be kept: ${errorMessage(err)}. The next \`pulumi up\` tries again`);
    }
  }
  return current;
}
