/**
 * The resource's outputs, built from inputs and the action (their type is the stored state's,
 * ./state.ts). Every input is copied into the outputs because `diff` only sees the old outputs;
 * values are flat and JSON-safe (no undefined, Dates or class instances) so they pass through
 * protobuf Structs intact. The download link is never part of them.
 */
import type { MachineAction } from "../api/schemas";
import type { EvidenceSubject } from "../evidence/subject";
import type { CollectionInputs } from "./inputs";
import { type CollectionOutputs, STATE_VERSION } from "./state";

// The evidence handler takes the outputs as they stand: they must stay an evidence subject.
const outputsAreEvidenceSubjects = (o: CollectionOutputs): EvidenceSubject => o;
void outputsAreEvidenceSubjects;

export function toOutputs(inputs: CollectionInputs, action: MachineAction, adopted: boolean): CollectionOutputs {
  return {
    stateVersion: STATE_VERSION,
    machineId: action.machineId,
    computerDnsName: action.computerDnsName ?? inputs.computerDnsName ?? null,
    comment: inputs.comment,
    triggers: inputs.triggers ?? {},
    waitForCompletion: inputs.waitForCompletion,
    timeoutMinutes: inputs.timeoutMinutes,
    evidenceDirectory: inputs.evidenceDirectory ?? null,
    cancelOnDelete: inputs.cancelOnDelete,
    marker: inputs.marker ?? null,
    actionId: action.id,
    status: action.status,
    adopted,
    requestor: action.requestor,
    requestorComment: action.requestorComment,
    creationDateTimeUtc: action.creationDateTimeUtc,
    lastUpdateDateTimeUtc: action.lastUpdateDateTimeUtc,
    errorHResult: action.errorHResult,
  };
}

/** Later knowledge of the action over earlier outputs, keeping inputs and evidence. */
export function withAction(outs: CollectionOutputs, action: MachineAction): CollectionOutputs {
  return {
    ...outs,
    status: action.status,
    computerDnsName: action.computerDnsName ?? outs.computerDnsName,
    requestor: action.requestor ?? outs.requestor,
    requestorComment: action.requestorComment ?? outs.requestorComment,
    lastUpdateDateTimeUtc: action.lastUpdateDateTimeUtc ?? outs.lastUpdateDateTimeUtc,
    errorHResult: action.errorHResult ?? outs.errorHResult,
  };
}

/** The action as far as the outputs know it: what the watcher needs to resume. */
export function actionOf(outs: CollectionOutputs): MachineAction {
  return {
    id: outs.actionId,
    type: "CollectInvestigationPackage",
    status: outs.status,
    machineId: outs.machineId,
    computerDnsName: outs.computerDnsName ?? null,
    requestor: outs.requestor ?? null,
    requestorComment: outs.requestorComment ?? null,
    requestSource: null,
    creationDateTimeUtc: outs.creationDateTimeUtc,
    lastUpdateDateTimeUtc: outs.lastUpdateDateTimeUtc ?? null,
    externalId: null,
    errorHResult: outs.errorHResult ?? null,
    cancellationRequestor: null,
    cancellationComment: null,
    cancellationDateTimeUtc: null,
  };
}
