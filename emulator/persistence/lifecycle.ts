/**
 * The collection lifecycle, computed lazily from timestamps: an action stores only when it was
 * created, the plan fixed at creation (from the machine's behaviour) and a cancellation if any;
 * its status at any instant is a pure function of those and the clock. No timers, so the result
 * is deterministic under any clock (real, scaled or manual) and survives restarts unchanged.
 *
 * Pending → InProgress → Succeeded | Failed | TimeOut, and Cancelled from Pending/InProgress.
 * The transitions are inferred (mde-api.md §9); the timings are the scenario's choice.
 */
import type { ActionStatus } from "../../provider/api/schemas";
import type { Behavior, BehaviorParams } from "../scenario/scenarioSchema";

/** What happens to one action, fixed when it is created. Times are emulated milliseconds. */
export interface ActionPlan {
  /** Delay before the device picks it up; `null`: never (an offline device). */
  pickupMs: number | null;
  /** Time the device works on it once picked up. */
  workMs: number;
  /** Time after creation at which an unfinished action becomes TimeOut. */
  timeoutMs: number;
  outcome: "Succeeded" | "Failed";
  /** Reported with a Failed outcome. */
  errorHResult: number;
}

/** E_FAIL, the generic HRESULT seen on failed actions. */
export const E_FAIL = -2147467259;
/** HRESULT_FROM_WIN32(ERROR_TIMEOUT), reported with TimeOut. */
export const E_TIMEOUT = -2147023436;

const DAY_S = 24 * 3600;

/** Defaults per behaviour, in emulated seconds; a scenario overrides any of them per machine. */
export const BEHAVIOR_DEFAULTS: Record<Behavior, { params: BehaviorParams; outcome: ActionPlan["outcome"] }> = {
  online: { params: { pendingSeconds: 5, inProgressSeconds: 60, timeoutSeconds: DAY_S }, outcome: "Succeeded" },
  slow: { params: { pendingSeconds: 120, inProgressSeconds: 900, timeoutSeconds: DAY_S }, outcome: "Succeeded" },
  /** Never picked up: stays Pending until the timeout (24 h of emulated time unless overridden). */
  offline: { params: { timeoutSeconds: DAY_S }, outcome: "Succeeded" },
  failing: { params: { pendingSeconds: 5, inProgressSeconds: 30, timeoutSeconds: DAY_S, errorHResult: E_FAIL }, outcome: "Failed" },
};

/** The plan for a new action on a machine with `behavior`, with `overrides` applied on top. */
export function planFor(behavior: Behavior, ...overrides: Array<BehaviorParams | undefined>): ActionPlan {
  const base = BEHAVIOR_DEFAULTS[behavior];
  const p: BehaviorParams = Object.assign({}, base.params, ...overrides.filter(Boolean));
  return {
    pickupMs: p.pendingSeconds === undefined ? null : p.pendingSeconds * 1000,
    workMs: (p.inProgressSeconds ?? 0) * 1000,
    timeoutMs: (p.timeoutSeconds ?? DAY_S) * 1000,
    outcome: base.outcome,
    errorHResult: p.errorHResult ?? (base.outcome === "Failed" ? E_FAIL : 0),
  };
}

export interface Cancellation {
  atMs: number;
  requestor: string;
  comment: string | null;
}

export interface ActionState {
  status: ActionStatus;
  /** When the status last changed (emulated ms). */
  lastUpdateMs: number;
  errorHResult: number;
}

/** The status of an action created at `createdMs` with `plan`, as seen at `nowMs`. */
export function stateAt(createdMs: number, plan: ActionPlan, nowMs: number, cancellation?: Cancellation | null): ActionState {
  if (cancellation && nowMs >= cancellation.atMs) {
    return { status: "Cancelled", lastUpdateMs: cancellation.atMs, errorHResult: 0 };
  }
  const t = nowMs - createdMs;
  const finishesAt = plan.pickupMs === null ? Infinity : plan.pickupMs + plan.workMs;
  if (finishesAt <= plan.timeoutMs && t >= finishesAt) {
    const failed = plan.outcome === "Failed";
    return { status: plan.outcome, lastUpdateMs: createdMs + finishesAt, errorHResult: failed ? plan.errorHResult : 0 };
  }
  if (finishesAt > plan.timeoutMs && t >= plan.timeoutMs) {
    return { status: "TimeOut", lastUpdateMs: createdMs + plan.timeoutMs, errorHResult: E_TIMEOUT };
  }
  if (plan.pickupMs !== null && t >= plan.pickupMs) {
    return { status: "InProgress", lastUpdateMs: createdMs + plan.pickupMs, errorHResult: 0 };
  }
  return { status: "Pending", lastUpdateMs: createdMs, errorHResult: 0 };
}

/** What a test commanded through the control endpoint (steering.ts); stored with the action. */
export interface Steering {
  /** Held since `sinceMs`: no final status until `releasedMs` (null: not yet released). */
  hold?: { sinceMs: number; releasedMs: number | null };
  /** Ended at `atMs` with `status`, whatever the plan said. */
  end?: { atMs: number; status: "Succeeded" | "Failed" | "TimeOut"; errorHResult: number };
}

const FINAL = new Set<ActionStatus>(["Succeeded", "Failed", "TimeOut", "Cancelled"]);
export const isFinal = (status: ActionStatus) => FINAL.has(status);

/**
 * `stateAt` with a test's commands applied. A held action goes through its planned Pending and
 * InProgress steps but reaches no final status while held; once released it finishes as planned,
 * or at the release if the plan's end has passed. An end command wins over the plan; a
 * cancellation that came first wins over the end command.
 */
export function steeredStateAt(createdMs: number, plan: ActionPlan, nowMs: number, cancellation?: Cancellation | null, steering?: Steering): ActionState {
  const end = steering?.end;
  if (end && nowMs >= end.atMs && !(cancellation && cancellation.atMs <= end.atMs)) {
    return { status: end.status, lastUpdateMs: end.atMs, errorHResult: end.errorHResult };
  }
  const base = stateAt(createdMs, plan, nowMs, cancellation);
  const hold = steering?.hold;
  if (!hold || !isFinal(base.status) || base.status === "Cancelled") return base;
  if (hold.releasedMs !== null && nowMs >= hold.releasedMs) return { ...base, lastUpdateMs: Math.max(base.lastUpdateMs, hold.releasedMs) };
  const pickedUp = plan.pickupMs !== null && plan.pickupMs < plan.timeoutMs && nowMs - createdMs >= plan.pickupMs;
  return pickedUp
    ? { status: "InProgress", lastUpdateMs: createdMs + plan.pickupMs!, errorHResult: 0 }
    : { status: "Pending", lastUpdateMs: createdMs, errorHResult: 0 };
}
