/**
 * Commands a test gives an action, so what it depends on never races the emulated clock against
 * wall time (a busy CI machine makes any "finishes 20 s from now" arrive early or late):
 * - hold an action: it keeps its Pending/InProgress step, whatever the plan says, until released;
 * - hold a machine: every collection it has or gets is held, until the machine is released;
 * - end an action now with a chosen status (Succeeded, Failed, TimeOut).
 * Holds and ends are stored with the action (store.ts), so a restarted emulator keeps them;
 * machine holds are rules like faults, kept in memory.
 */
import { COLLECT_ACTION_TYPE } from "../../provider/api/schemas";
import type { Clock } from "../../provider/util/clock";
import { ForensicsError } from "../../provider/util/error";
import { E_FAIL, E_TIMEOUT, isFinal, type Steering } from "./lifecycle";
import type { Scenario } from "../scenario/scenario";
import type { Store, StoredAction } from "./store";

export type EndStatus = NonNullable<Steering["end"]>["status"];

/** A command that cannot apply (unknown id, action already finished); `status` is the control reply's. */
export class SteeringError extends ForensicsError {
  override name = "SteeringError";
  constructor(readonly status: 404 | 409, message: string) {
    super(message);
  }
}

/** What the control endpoint answers about an action. */
export interface SteeredAction {
  id: string;
  machineId: string;
  status: string;
  held: boolean;
}

export class ActionSteering {
  private readonly heldMachines = new Set<string>();

  constructor(
    private readonly store: Store,
    private readonly scenario: Scenario,
    private readonly clock: Clock,
  ) {}

  /** Keeps an unfinished action from finishing until `release`. */
  hold(actionId: string): SteeredAction {
    const action = this.unfinished(actionId, "hold");
    this.holdAction(action, this.clock.now());
    return this.view(action);
  }

  /** Lets a held action finish: as planned, or now if its planned end has passed. */
  release(actionId: string): SteeredAction {
    const action = this.find(actionId);
    this.releaseAction(action, this.clock.now());
    return this.view(action);
  }

  /** Ends an unfinished action now with `status` (a Failed one with `errorHResult`, default E_FAIL). */
  complete(actionId: string, status: EndStatus, errorHResult?: number): SteeredAction {
    const action = this.unfinished(actionId, `end as ${status}`);
    const code = status === "Failed" ? (errorHResult ?? E_FAIL) : status === "TimeOut" ? E_TIMEOUT : 0;
    this.store.steer(action, { ...action.steering, end: { atMs: this.clock.now(), status, errorHResult: code } });
    return this.view(action);
  }

  /** Holds the machine's unfinished collections and every one it gets until `releaseMachine`. */
  holdMachine(machineId: string): SteeredAction[] {
    const id = this.machineIdOf(machineId);
    this.heldMachines.add(id);
    const now = this.clock.now();
    const active = this.collectionsOf(id).filter((a) => !isFinal(this.store.stateOf(a, now).status));
    active.forEach((a) => this.holdAction(a, now));
    return active.map((a) => this.view(a));
  }

  releaseMachine(machineId: string): SteeredAction[] {
    const id = this.machineIdOf(machineId);
    this.heldMachines.delete(id);
    const now = this.clock.now();
    const held = this.collectionsOf(id).filter((a) => a.steering?.hold && a.steering.hold.releasedMs === null);
    held.forEach((a) => this.releaseAction(a, now));
    return held.map((a) => this.view(a));
  }

  /** The collections of a machine (id or name), newest first. */
  collections(machine: string): SteeredAction[] {
    return this.collectionsOf(this.machineIdOf(machine)).map((a) => this.view(a));
  }

  /** Called for each new collection: one on a held machine is held from its start. */
  created(action: StoredAction): void {
    if (this.heldMachines.has(action.machineId)) this.holdAction(action, action.createdMs);
  }

  view(action: StoredAction): SteeredAction {
    const held = !!action.steering?.hold && action.steering.hold.releasedMs === null;
    return { id: action.id, machineId: action.machineId, status: this.store.stateOf(action, this.clock.now()).status, held };
  }

  private holdAction(action: StoredAction, nowMs: number): void {
    if (action.steering?.hold?.releasedMs === null) return;
    this.store.steer(action, { ...action.steering, hold: { sinceMs: nowMs, releasedMs: null } });
  }

  private releaseAction(action: StoredAction, nowMs: number): void {
    const hold = action.steering?.hold;
    if (!hold || hold.releasedMs !== null) return;
    this.store.steer(action, { ...action.steering, hold: { ...hold, releasedMs: nowMs } });
  }

  private find(actionId: string): StoredAction {
    const action = this.store.actionById(actionId);
    if (!action) throw new SteeringError(404, `no action ${actionId}`);
    return action;
  }

  private unfinished(actionId: string, what: string): StoredAction {
    const action = this.find(actionId);
    const { status } = this.store.stateOf(action, this.clock.now());
    if (isFinal(status)) throw new SteeringError(409, `cannot ${what} action ${action.id}: it already ended ${status}`);
    return action;
  }

  private machineIdOf(idOrName: string): string {
    for (const t of this.scenario.tenants) {
      const m = this.store.machine(t.id, idOrName);
      if (m) return m.id;
    }
    throw new SteeringError(404, `no machine ${idOrName}`);
  }

  private collectionsOf(machineId: string): StoredAction[] {
    return this.scenario.tenants.flatMap((t) => this.store.actions(t.id)).filter((a) => a.machineId === machineId && a.type === COLLECT_ACTION_TYPE);
  }
}
