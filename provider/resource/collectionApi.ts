/**
 * The part of the MDE client the resource uses. The resource depends on this narrow contract,
 * not on the client's construction, so its scheduling logic can be exercised in virtual time.
 */
import type { Machine, MachineAction } from "../api/actionTypes";

export interface ListQuery {
  filter?: string;
  top?: number;
  skip?: number;
}

export interface CollectionApi {
  collectInvestigationPackage(
    machineId: string,
    comment: string,
    options?: { signal?: AbortSignal },
  ): Promise<{ action: MachineAction; adopted: boolean }>;
  getMachineAction(actionId: string): Promise<MachineAction>;
  listMachineActions(query: ListQuery): Promise<MachineAction[]>;
  cancelMachineAction(actionId: string, comment: string): Promise<MachineAction>;
  listMachines(query: ListQuery): Promise<Machine[]>;
  getPackageUri(actionId: string): Promise<string>;
}
