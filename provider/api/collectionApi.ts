/**
 * The part of the MDE client the resource, the sweep, adoption and evidence use. They depend on
 * this narrow contract, not on the client's construction, so their scheduling logic can be
 * exercised in virtual time. It lives in api/ because every one of them may import api/.
 */
import type { Machine, MachineAction } from "./actionTypes";

export interface ListQuery {
  filter?: string;
  top?: number;
  skip?: number;
}

export interface CollectionApi {
  collectInvestigationPackage(
    machineId: string,
    comment: string,
    /** `deadlineMs` (on the client's clock): until when a POST answered 503 or cut off may be checked and sent again. */
    options?: { signal?: AbortSignal; deadlineMs?: number },
  ): Promise<{ action: MachineAction; adopted: boolean }>;
  getMachineAction(actionId: string): Promise<MachineAction>;
  listMachineActions(query: ListQuery): Promise<MachineAction[]>;
  cancelMachineAction(actionId: string, comment: string): Promise<MachineAction>;
  listMachines(query: ListQuery): Promise<Machine[]>;
  getPackageUri(actionId: string): Promise<string>;
  /** Proves the quota slots can be had (the shared ledger) before anything is collected; throws with what to fix. */
  preflight?(): Promise<void>;
}
