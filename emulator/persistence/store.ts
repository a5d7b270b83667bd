/**
 * The emulator's data: machines (fixed by the scenario) and machine actions (created by calls,
 * or pre-seeded by the scenario on the first start), scoped by tenant as in the real service.
 * Every change is persisted before the call returns when a data folder is used; otherwise the
 * store lives in memory only. Action status is not stored: lifecycle.ts derives it from time.
 */
import { randomBytes } from "node:crypto";
import { COLLECT_ACTION_TYPE } from "../../provider/api/schemas";
import { ForensicsError } from "../../provider/util/error";
import { guidFrom, IdSequence } from "../util/ids";
import { planFor, steeredStateAt, type ActionPlan, type ActionState, type Cancellation, type Steering } from "./lifecycle";
import type { AtomicJsonFile } from "./persistence";
import type { Scenario } from "../scenario/scenario";
import { PersistedSchema, type MachineRecord, type Persisted, type StoredAction } from "./storeSchema";

export type { MachineRecord, StoredAction } from "./storeSchema";

export class Store {
  private readonly machinesById = new Map<string, MachineRecord>();
  private readonly actionsById = new Map<string, StoredAction>();
  /** Each machine's actions in creation order: a collect looks for the machine's running one. */
  private readonly actionsByMachine = new Map<string, StoredAction[]>();
  private state: Persisted;
  private ids: IdSequence;

  /** @param warn receives a note when the data folder was created with another seed. */
  constructor(
    private readonly scenario: Scenario,
    seed: string,
    nowMs: number,
    private readonly file?: AtomicJsonFile,
    warn: (msg: string) => void = () => undefined,
  ) {
    const loaded = file?.load();
    if (loaded !== undefined) {
      this.state = PersistedSchema.parse(loaded);
      if (this.state.seed !== seed) warn(`data folder was created with seed '${this.state.seed}'; keeping it (ignoring '${seed}')`);
    } else {
      this.state = { version: 1, seed, firstStartMs: nowMs, idSequence: 0, linkKey: randomBytes(32).toString("base64"), lastNowMs: nowMs, actions: [] };
    }
    this.ids = new IdSequence(this.state.seed, this.state.idSequence);
    for (const m of scenario.machines) {
      const lastSeenMs = this.state.firstStartMs - (m.lastSeenHoursAgo ?? 1) * 3600_000;
      this.machinesById.set(m.id, { ...m, lastSeenMs, firstSeenMs: lastSeenMs - 90 * 24 * 3600_000 });
    }
    for (const a of this.state.actions) this.index(a);
    if (loaded === undefined) {
      this.seedActions();
      this.persist();
    }
  }

  get seed(): string {
    return this.state.seed;
  }
  /** The HMAC key of download links (persisted, so links survive a restart). */
  get linkKey(): Buffer {
    return Buffer.from(this.state.linkKey, "base64");
  }

  machines(tenantId: string): MachineRecord[] {
    return [...this.machinesById.values()].filter((m) => m.tenantId === tenantId);
  }

  /** By id, or by computer name (FQDN or its first label), case-insensitively, as the API allows. */
  machine(tenantId: string, idOrName: string): MachineRecord | undefined {
    const key = idOrName.toLowerCase();
    const byId = this.machinesById.get(key);
    if (byId) return byId.tenantId === tenantId ? byId : undefined;
    return this.machines(tenantId).find((m) => {
      const name = m.computerDnsName.toLowerCase();
      return name === key || name.split(".")[0] === key;
    });
  }

  /** The tenant's actions, newest first (the order the list API's "latest" examples imply). */
  actions(tenantId: string): StoredAction[] {
    return this.state.actions.filter((a) => a.tenantId === tenantId).reverse().sort((a, b) => b.createdMs - a.createdMs);
  }

  action(tenantId: string, id: string): StoredAction | undefined {
    const a = this.actionsById.get(id.toLowerCase());
    return a && a.tenantId === tenantId ? a : undefined;
  }

  /** Any tenant: for package downloads, which are authorised by the link token alone. */
  actionById(id: string): StoredAction | undefined {
    return this.actionsById.get(id.toLowerCase());
  }

  stateOf(a: StoredAction, nowMs: number): ActionState {
    return steeredStateAt(a.createdMs, a.plan, nowMs, a.cancellation, a.steering);
  }

  /** A collection on the machine that is still Pending or InProgress. */
  activeCollection(tenantId: string, machineId: string, nowMs: number): StoredAction | undefined {
    // The machine's actions only, newest first as `actions` orders them: sorting the whole
    // tenant's actions on every collect made a 10,000-machine sweep quadratic here.
    const mine = (this.actionsByMachine.get(machineId) ?? []).filter((a) => a.tenantId === tenantId);
    return mine.reverse().sort((a, b) => b.createdMs - a.createdMs).find((a) => {
      if (a.type !== COLLECT_ACTION_TYPE) return false;
      const s = this.stateOf(a, nowMs).status;
      return s === "Pending" || s === "InProgress";
    });
  }

  /** Records a new collection on `machine` and persists it before returning. */
  createCollection(machine: MachineRecord, requestor: string, comment: string, nowMs: number, id?: string, plan?: ActionPlan): StoredAction {
    const action: StoredAction = {
      id: id ?? this.ids.nextGuid(),
      tenantId: machine.tenantId,
      machineId: machine.id,
      computerDnsName: machine.computerDnsName,
      osPlatform: machine.osPlatform,
      type: COLLECT_ACTION_TYPE,
      requestor,
      requestorComment: comment,
      createdMs: nowMs,
      plan: plan ?? planFor(machine.behavior, machine.params),
      packageSizeKiB: machine.packageSizeKiB ?? null,
      cancellation: null,
    };
    this.state.actions.push(action);
    this.index(action);
    const lastNow = this.state.lastNowMs;
    this.state.lastNowMs = Math.max(lastNow, nowMs);
    this.persistOrUndo(() => {
      this.state.lastNowMs = lastNow;
      this.state.actions.pop();
      this.actionsById.delete(action.id);
      this.actionsByMachine.get(action.machineId)?.pop();
    });
    return action;
  }

  cancel(action: StoredAction, cancellation: Cancellation): void {
    const before = action.cancellation;
    const lastNow = this.state.lastNowMs;
    action.cancellation = cancellation;
    this.state.lastNowMs = Math.max(lastNow, cancellation.atMs);
    this.persistOrUndo(() => {
      action.cancellation = before;
      this.state.lastNowMs = lastNow;
    });
  }

  /** Records a test's hold or end command (steering.ts). */
  steer(action: StoredAction, steering: Steering): void {
    const before = action.steering;
    action.steering = steering;
    this.persistOrUndo(() => {
      action.steering = before;
    });
  }

  /** Records how far emulated time got (on close), so a restarted emulator resumes from there. */
  checkpoint(nowMs: number): void {
    if (!this.file || nowMs <= this.state.lastNowMs) return;
    this.state.lastNowMs = nowMs;
    this.persist();
  }

  /** The emulated time a data folder's state had reached (0 for a fresh folder). */
  static resumeTime(file: AtomicJsonFile | undefined): number {
    const loaded = file?.load() as { lastNowMs?: unknown } | undefined;
    return typeof loaded?.lastNowMs === "number" ? loaded.lastNowMs : 0;
  }

  /** A change that did not reach the disk is undone in memory too, so memory never runs ahead of disk. */
  private persistOrUndo(undo: () => void): void {
    try {
      this.persist();
    } catch (e) {
      undo();
      throw e;
    }
  }

  private seedActions(): void {
    this.scenario.actions.forEach((seed, i) => {
      const key = seed.machine.toLowerCase();
      const machine = [...this.machinesById.values()].find((m) => m.id === key || m.computerDnsName.toLowerCase() === key);
      if (!machine) throw new ForensicsError(`scenario action ${i}: unknown machine ${seed.machine}`);
      const requestor = seed.requestor ?? this.scenario.apps.find((a) => a.tenantId === machine.tenantId)?.displayName ?? "emulator";
      const plan = planFor(seed.behavior ?? machine.behavior, seed.behavior ? undefined : machine.params, seed.params);
      const created = this.state.firstStartMs - seed.createdMinutesAgo * 60_000;
      this.createCollection(machine, requestor, seed.comment, created, seed.id ?? guidFrom(this.state.seed, `seeded/${i}`), plan);
    });
  }

  private index(a: StoredAction): void {
    this.actionsById.set(a.id, a);
    const list = this.actionsByMachine.get(a.machineId) ?? [];
    list.push(a);
    this.actionsByMachine.set(a.machineId, list);
  }

  private persist(): void {
    this.state.idSequence = this.ids.position;
    this.file?.save(this.state);
  }
}
