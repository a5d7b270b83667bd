/**
 * MDE's machine actions as the provider holds them after parsing (schemas.ts's MachineAction):
 * what the suites of the adoption finder and candidates, the watcher, the lifecycle and the sweep
 * hand-over fake instead of a server.
 */
import type { MachineAction } from "../../provider/api/schemas";

/** A collection with the fields a test names; what MDE may leave empty is null. */
export function collection(fields: Pick<MachineAction, "id" | "status" | "machineId"> & Partial<MachineAction> & { createdMs: number }): MachineAction {
  const { id, status, machineId, createdMs, ...named } = fields;
  return {
    id, type: "CollectInvestigationPackage", status, machineId, computerDnsName: null, requestor: null, requestorComment: null,
    requestSource: null, creationDateTimeUtc: new Date(createdMs).toISOString(), lastUpdateDateTimeUtc: null, externalId: null,
    errorHResult: null, cancellationRequestor: null, cancellationComment: null, cancellationDateTimeUtc: null, ...named,
  };
}

