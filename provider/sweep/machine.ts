/**
 * One machine's part of a sweep, through the single collection's own lifecycle
 * (requestCollection / settleCollection): the same evidence preflight, adoption pre-check
 * (batched across the sweep's machines), POST through the process-wide limiter, watcher, custody
 * events and package handling. What is sweep-specific is only how a machine's compact state
 * entry becomes that lifecycle's outputs and back, and the hand-over between rounds.
 */
import type { MachineAction } from "../api/schemas";
import { requestCollection, ResourceInitError, settleCollection } from "../resource/lifecycle";
import type { ProviderContext } from "../resource/context";
import type { CollectionInputs } from "../resource/inputs";
import { actionOf, withAction } from "../resource/outputs";
import { type CollectionOutputs, STATE_VERSION } from "../resource/state";
import { ForensicsError } from "../util/error";
import { WaitTimeoutError } from "../resource/watcher";
import type { MachineStep } from "./plan";
import { type HeldEntry, isFinal, REQUEST_FAILED, type SweepSettings } from "./state";

/** Errors are kept short in state: the first line, at most this many characters. */
const MAX_ERROR_LENGTH = 300;

export interface MachineJob {
  machineId: string;
  marker: string;
  step: MachineStep;
  settings: SweepSettings;
  /** Told once the machine's collection has been requested or adopted. */
  onRequested?: () => void;
}

/** Does what the step says and returns the machine's new entry; never throws. */
export async function runMachine(ctx: ProviderContext, job: MachineJob): Promise<HeldEntry> {
  const { step } = job;
  if (step.kind === "keep") return step.entry;
  // Until the previous round's collection has ended, it is what the machine holds: a failure
  // before then keeps it (and its round), so the next `up` cannot mistake it for the new round's.
  let holding: HeldEntry | undefined = step.kind === "collect" ? undefined : step.kind === "replace" ? step.previous : step.entry;
  try {
    if (step.kind === "resume") return await settle(ctx, job, outputsOf(ctx, job, step.entry));
    if (step.kind === "fetch") {
      // The stored entry is compact; the manifest wants the action as MDE describes it.
      const action = await ctx.api.getMachineAction(step.entry.actionId!);
      return await settle(ctx, job, withAction(outputsOf(ctx, job, step.entry), action));
    }
    let timeoutMinutes = job.settings.timeoutMinutes;
    if (step.kind === "replace") {
      const ended = await supersede(ctx, job, step.previous);
      if (ended.entry) return ended.entry;
      timeoutMinutes = ended.minutesLeft;
      holding = undefined;
    }
    const outs = await requestCollection(ctx, inputsOf(job, timeoutMinutes), {});
    job.onRequested?.();
    return await settle(ctx, job, outs);
  } catch (err) {
    const error = short((err as Error)?.message ?? String(err));
    // The collection exists (e.g. requested, but its custody event could not be written): keep its id.
    if (err instanceof ResourceInitError && err.id) return { ...entryOf(err.properties as unknown as CollectionOutputs, job.marker), error };
    if (holding) return { ...holding, error };
    return { actionId: null, status: REQUEST_FAILED, marker: job.marker, error };
  }
}

async function settle(ctx: ProviderContext, job: MachineJob, outs: CollectionOutputs): Promise<HeldEntry> {
  try {
    return entryOf(await settleCollection(ctx, outs, {}), job.marker);
  } catch (err) {
    if (err instanceof ResourceInitError) return { ...entryOf(err.properties as unknown as CollectionOutputs, job.marker), error: short(err.message) };
    throw err;
  }
}

/**
 * Ends the previous round's collection before the new one is requested: MDE runs one collection
 * per device, and adopting the old one would label its package with the new intent. With
 * cancelOnDelete it is cancelled; otherwise waited for, within the machine's timeout. Returns
 * the entry to keep when it is still running at the deadline, else the minutes left.
 */
async function supersede(ctx: ProviderContext, job: MachineJob, previous: HeldEntry): Promise<{ entry?: HeldEntry; minutesLeft: number }> {
  const startedAt = ctx.clock.now();
  let last: MachineAction = actionOf(outputsOf(ctx, job, previous));
  if (!isFinal(previous.status)) {
    if (job.settings.cancelOnDelete) last = await cancelIfRunning(ctx, previous.actionId!, `Superseded by a new round of sweep ${job.settings.sweepName}`);
    try {
      last = await ctx.watcher.waitForFinal(last, { deadlineMs: startedAt + (job.settings.timeoutMinutes * 60_000) / ctx.timeScale });
    } catch (err) {
      if (!(err instanceof WaitTimeoutError)) throw err;
      const message = `the previous round's collection ${previous.actionId} is still ${err.last.status} after ${job.settings.timeoutMinutes} minutes; the new round starts when it ends (or set cancelOnDelete to cancel it)`;
      return { entry: { ...previous, status: err.last.status, error: message }, minutesLeft: 0 };
    }
  }
  // The single collection's lifecycle records it as `superseded` by the new round's collection;
  // released, it is known as the earlier round even when it carries no marker (it was adopted).
  ctx.releasedActions.add(previous.actionId!);
  const usedMinutes = ((ctx.clock.now() - startedAt) * ctx.timeScale) / 60_000;
  return { minutesLeft: Math.max(1 / 60, job.settings.timeoutMinutes - usedMinutes) };
}

/** Cancels a collection still Pending or InProgress; one that has ended is left as it is. */
export async function cancelIfRunning(ctx: ProviderContext, actionId: string, comment: string): Promise<MachineAction> {
  const current = await ctx.api.getMachineAction(actionId);
  if (isFinal(current.status)) return current;
  return ctx.api.cancelMachineAction(actionId, comment.slice(0, 1000));
}

function inputsOf(job: MachineJob, timeoutMinutes: number): CollectionInputs {
  const s = job.settings;
  return {
    machineId: job.machineId,
    comment: s.comment,
    marker: job.marker,
    triggers: s.triggers,
    waitForCompletion: s.waitForCompletion,
    timeoutMinutes,
    evidenceDirectory: s.evidenceDirectory ?? undefined,
    cancelOnDelete: s.cancelOnDelete,
  };
}

/** The single collection's outputs for a stored entry, as far as the entry knows them. */
function outputsOf(ctx: ProviderContext, job: MachineJob, e: HeldEntry): CollectionOutputs {
  const s = job.settings;
  // The plan hands over only entries with an action (./plan.ts): a refused request has none to resume.
  if (e.status === REQUEST_FAILED) throw new ForensicsError(`machine ${job.machineId} has no collection to resume: its request failed`);
  return {
    stateVersion: STATE_VERSION,
    machineId: job.machineId,
    computerDnsName: null,
    comment: s.comment,
    marker: e.marker,
    triggers: s.triggers,
    waitForCompletion: s.waitForCompletion,
    timeoutMinutes: s.timeoutMinutes,
    evidenceDirectory: s.evidenceDirectory,
    cancelOnDelete: s.cancelOnDelete,
    actionId: e.actionId ?? "",
    status: e.status,
    adopted: e.adopted === true,
    requestor: null,
    requestorComment: null,
    // Not stored (bytes per machine): the watcher's first poll brings the real one; until then the
    // action counts as young and is polled often.
    creationDateTimeUtc: new Date(ctx.clock.now()).toISOString(),
    lastUpdateDateTimeUtc: null,
    errorHResult: null,
    ...(e.packagePath ? { packagePath: e.packagePath, packageSha256: e.packageSha256 } : {}),
  };
}

export function entryOf(o: CollectionOutputs, marker: string): HeldEntry {
  return {
    actionId: o.actionId,
    status: o.status,
    ...(o.adopted ? { adopted: true as const } : {}),
    marker,
    ...(o.packageSha256 ? { packageSha256: o.packageSha256 } : {}),
    ...(o.packagePath ? { packagePath: o.packagePath } : {}),
  };
}

function short(message: string): string {
  const line = message.split("\n")[0];
  return line.length > MAX_ERROR_LENGTH ? `${line.slice(0, MAX_ERROR_LENGTH - 1)}…` : line;
}
