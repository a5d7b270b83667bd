/**
 * MDE's machine actions as the provider holds them after parsing (schemas.ts's MachineAction), and
 * a list endpoint that records its calls: what the suites of the adoption finder, the watcher, the
 * lifecycle and the sweep hand-over fake instead of a server.
 */
import type { MachineAction } from "../../provider/api/schemas";
import type { Clock } from "../../provider/util/clock";

/** A collection with the fields a test names; what MDE may leave empty is null. */
export function collection(fields: Pick<MachineAction, "id" | "status" | "machineId"> & Partial<MachineAction> & { createdMs: number }): MachineAction {
  const { id, status, machineId, createdMs, ...named } = fields;
  return {
    id, type: "CollectInvestigationPackage", status, machineId, computerDnsName: null, requestor: null, requestorComment: null,
    requestSource: null, creationDateTimeUtc: new Date(createdMs).toISOString(), lastUpdateDateTimeUtc: null, externalId: null,
    errorHResult: null, cancellationRequestor: null, cancellationComment: null, cancellationDateTimeUtc: null, ...named,
  };
}

/**
 * `listMachineActions` answering `answer(values)` for the values of `filter.field` that each
 * query's $filter names; every call is recorded with its (virtual) time and those values, under
 * the name `filter.as`.
 */
export function recordingList<K extends string>(clock: Clock, filter: { field: "id" | "machineId"; as: K }, answer: (values: string[]) => MachineAction[]) {
  const calls: Array<{ at: number } & Record<K, string[]>> = [];
  const named = new RegExp(`${filter.field} eq '([^']+)'`, "g");
  return {
    calls,
    async listMachineActions(q: { filter?: string }): Promise<MachineAction[]> {
      const values = [...(q.filter ?? "").matchAll(named)].map((m) => m[1]);
      calls.push({ at: clock.now(), [filter.as]: values } as { at: number } & Record<K, string[]>);
      return answer(values);
    },
  };
}
