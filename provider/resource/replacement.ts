/**
 * A new round of a collection (changed comment or triggers) while the previous round may still
 * run on the device.
 *
 * Why it needs care: Pulumi replaces a still-running collection delete-before-replace (diff.ts),
 * so `delete` of the old resource runs first and `create` of the new one never learns the old
 * action id. MDE runs one collection per device at a time: a POST while the old one runs is
 * refused, and adopting what runs would label the old package with the new intent. So:
 * - `delete` cancels the old collection when the old resource had cancelOnDelete, and in every
 *   case notes its action id as released in this process (collectionProvider.ts);
 * - `create` tells the old collection apart by its correlation marker (same owner, other intent;
 *   ../adoption/candidates `classify`), or by that release note for one without a marker (a
 *   collection adopted, or requested by 0.1.0). It never adopts it: while it runs, create waits
 *   for it to end (counting against timeoutMinutes), then requests the new collection;
 * - the custody log records the old collection as `superseded` by the new one.
 */
import { ACTIVE_STATUSES, type MachineAction } from "../api/schemas";
import { ForensicsError } from "../util/error";
import type { ProviderContext } from "./context";
import type { CollectionOutputs } from "./state";
import { WaitTimeoutError } from "./watcher";

export class PreviousRoundStillRunningError extends ForensicsError {
  override readonly name = "PreviousRoundStillRunningError";
}

/** Resolves once `previous` no longer runs on the device; fails at `deadlineMs`. */
export async function waitForPreviousRound(
  ctx: ProviderContext,
  previous: MachineAction,
  timing: { deadlineMs: number; timeoutMinutes: number },
): Promise<void> {
  if (!ACTIVE_STATUSES.has(previous.status)) return;
  const what = `collection ${previous.id} on ${previous.machineId} (an earlier round: ${JSON.stringify(previous.requestorComment ?? "")})`;
  ctx.log(
    `${what} is still ${previous.status}; waiting for it to end before requesting the new round, because MDE runs one ` +
      `collection per device at a time and cancelOnDelete is not set. The wait counts against timeoutMinutes (${timing.timeoutMinutes})`,
  );
  try {
    const final = await ctx.watcher.waitForFinal(previous, { deadlineMs: timing.deadlineMs, onChange: (a) => ctx.log(`${what}: ${a.status}`) });
    ctx.log(`${what} ended ${final.status}; requesting the new round`);
  } catch (err) {
    if (err instanceof WaitTimeoutError) {
      throw new PreviousRoundStillRunningError(
        `${what} is still ${err.last.status} after ${timing.timeoutMinutes} minutes, so the new round was not requested. ` +
          "The next `pulumi up` waits again; raise timeoutMinutes, or set cancelOnDelete to cancel an earlier round instead of waiting for it",
      );
    }
    throw err;
  }
}

/** The custody line that links the earlier round to the collection that replaced it. */
export async function recordSuperseded(ctx: ProviderContext, previous: MachineAction, next: CollectionOutputs): Promise<void> {
  ctx.log(`collection ${previous.id} (${previous.status}) is superseded by ${next.actionId}`);
  if (!next.evidenceDirectory || !ctx.evidence) return;
  await ctx.evidence.record(
    next.evidenceDirectory,
    "superseded",
    {
      actionId: previous.id,
      machineId: previous.machineId,
      computerDnsName: previous.computerDnsName,
      status: previous.status,
      requestor: previous.requestor,
      requestorComment: previous.requestorComment,
      creationDateTimeUtc: previous.creationDateTimeUtc,
      lastUpdateDateTimeUtc: previous.lastUpdateDateTimeUtc,
    },
    { supersededBy: next.actionId, supersededByComment: next.requestorComment ?? next.comment },
  );
}
