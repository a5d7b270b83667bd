/**
 * Starting a collection without ever starting two: adopt-on-400 and the lost-reply check.
 *
 * MDE allows one running collection per machine and says so in inconsistent ways: a 400 with
 * `ActiveRequestAlreadyExists`, a 400 "already in progress", or a 2xx carrying the action that is
 * already running (mde-api.md §8). Then the newest running collection is adopted.
 *
 * After a timeout or reset, nobody knows whether our POST created an action. Then the machine's
 * collections are listed in ANY status: the one carrying exactly our comment (with its
 * correlation marker, ../adoption/marker.ts) is ours even if it already finished; failing that, a running
 * one is adopted. The POST is only re-sent when neither exists, so nothing can be duplicated by it,
 * and as often as the resource's own time (`deadlineMs`, from `timeoutMinutes`) allows: under
 * shared load MDE may answer 503 for minutes, and a device must not need a second `pulumi up` for that.
 */
import { isMdeError, MdeAlreadyRunningError, MdeNetworkError, MdeUnexpectedResponseError } from "./errors";
import { parseTimestamp } from "./responses";
import { backoffDelayMs, type RetryOptions } from "./retry";
import { COLLECT_ACTION_TYPE, type MachineAction } from "./schemas";
import type { Clock } from "../util/clock";
import type { Logger } from "../util/logger";
import { createdByRequest, newestRunning } from "./collections";

export interface CollectResult {
  action: MachineAction;
  /** True when the action was not created by this call (it was already running). */
  adopted: boolean;
}

/** A 2xx action created this long before our request was not created by it. */
export const ADOPTION_AGE_MS = 60_000;

/** 400 codes that clearly mean something other than "already running", so no lookup is spent on them. */
const UNRELATED_400_CODES = new Set(["OsPlatformNotSupported", "ClientVersionNotSupported", "InvalidRequestBody", "MissingRequiredParameter", "DisabledFeature"]);

export interface CollectDeps {
  machineId: string;
  comment: string;
  post(signal?: AbortSignal): Promise<MachineAction>;
  /** The machine's collections, any status (./collections.ts `collectionsFilter`). */
  listCollections(signal?: AbortSignal): Promise<MachineAction[]>;
  clock: Clock;
  logger: Logger;
  retry: RetryOptions;
  /**
   * Until when (on `clock`) a POST that failed with an unknown outcome is checked for and sent
   * again: the resource's own `timeoutMinutes`. Under shared load MDE answers 503 for minutes,
   * so a fixed number of POSTs gave up on a device its deadline still had room for.
   * @default the first POST's time plus `retry.maxTotalMs`
   */
  deadlineMs?: number;
}

/** True when an action returned for our request was not created by it. */
export function isForeignAction(action: MachineAction, comment: string, requestedAtMs: number): boolean {
  const created = parseTimestamp(action.creationDateTimeUtc);
  const sameComment = (action.requestorComment ?? "").trim() === comment.trim();
  return !sameComment || (created !== undefined && created < requestedAtMs - ADOPTION_AGE_MS);
}

function mayMeanAlreadyRunning(error: unknown): boolean {
  return error instanceof MdeAlreadyRunningError || (isMdeError(error) && error.status === 400 && !UNRELATED_400_CODES.has(error.code ?? ""));
}

/** The POST may have created an action: the connection broke after sending, or MDE failed mid-way (5xx). */
function outcomeUnknown(error: unknown): boolean {
  return (error instanceof MdeNetworkError && error.ambiguous) || (isMdeError(error) && (error.status ?? 0) >= 500);
}

export async function collectWithAdoption(deps: CollectDeps, signal?: AbortSignal): Promise<CollectResult> {
  const requestedAt = deps.clock.now();
  const deadlineMs = deps.deadlineMs ?? requestedAt + deps.retry.maxTotalMs;
  for (let post = 1; ; post++) {
    try {
      const action = await deps.post(signal);
      if (action.machineId !== deps.machineId || action.type !== COLLECT_ACTION_TYPE) {
        throw new MdeUnexpectedResponseError(
          `MDE answered the collect request for machine ${deps.machineId} with action ${action.id} of type ${action.type} on machine ${action.machineId}.`,
        );
      }
      const adopted = isForeignAction(action, deps.comment, requestedAt);
      if (adopted) deps.logger.info(`MDE returned collection ${action.id} (${action.status}) that was already running on machine ${deps.machineId}; adopting it.`);
      return { action, adopted };
    } catch (error) {
      if (signal?.aborted) throw signal.reason;
      if (mayMeanAlreadyRunning(error)) {
        const active = newestRunning(await deps.listCollections(signal), deps.machineId);
        if (active) {
          deps.logger.info(`A collection is already running on machine ${deps.machineId} (action ${active.id}, ${active.status}); adopting it.`);
          return { action: active, adopted: true };
        }
        if (error instanceof MdeAlreadyRunningError) {
          throw new MdeAlreadyRunningError(
            `${error.message}. No Pending or InProgress collection of machine ${deps.machineId} is listed, so there is nothing to adopt; it may have just finished: try again.`,
            { status: error.status, code: error.code, correlationId: error.correlationId, method: error.method, path: error.path, cause: error },
          );
        }
        throw error;
      }
      if (!outcomeUnknown(error)) throw error;
      // Give MDE a moment to list an action our POST may have created, then look before re-sending;
      // the look comes before the deadline, so the last POST's outcome is always settled.
      const delayMs = Math.min(backoffDelayMs(post, deps.retry), Math.max(0, deadlineMs - deps.clock.now()));
      deps.logger.warn(`Collect request for machine ${deps.machineId} failed with an unknown outcome (${(error as Error).message}); checking for the collection it may have created in ${(delayMs / 1000).toFixed(1)} s.`);
      await deps.clock.sleep(delayMs, signal);
      const listed = await deps.listCollections(signal);
      const own = createdByRequest(listed, deps.machineId, deps.comment, requestedAt - ADOPTION_AGE_MS);
      if (own) {
        deps.logger.info(`Found collection ${own.id} (${own.status}) on machine ${deps.machineId}, created by the interrupted request.`);
        return { action: own, adopted: false };
      }
      const active = newestRunning(listed, deps.machineId);
      if (active) {
        deps.logger.info(`Found collection ${active.id} (${active.status}) on machine ${deps.machineId}, started elsewhere; adopting it.`);
        return { action: active, adopted: true };
      }
      // Nothing was created, so sending again cannot duplicate anything; within the time allowed.
      if (deps.clock.now() >= deadlineMs) {
        deps.logger.warn(`Collect request for machine ${deps.machineId}: ${post} POST(s) failed and none created a collection before the time allowed (timeoutMinutes) ran out; giving up.`);
        throw error;
      }
    }
  }
}
