/**
 * The resource's state. Every input is copied into the outputs because `diff` only sees the old
 * outputs; values are flat and JSON-safe (no undefined, Dates or class instances) so they pass
 * through protobuf Structs intact. The download link is never part of them.
 */
import type { MachineAction } from "../api/schemas";
import type { EvidenceOutputs, EvidenceSubject } from "../evidence/subject";
import type { CollectionInputs } from "./inputs";
import { STATE_VERSION } from "./state";

/**
 * What the package is evidence of (../evidence/subject.ts: action, device, request, where to
 * keep it), plus the resource's own settings: the resource's outputs are an evidence subject
 * as they stand, so the evidence handler takes them without a copy.
 */
export interface CollectionOutputs extends EvidenceSubject {
  /** The version of this shape (./state.ts); set on everything the provider writes. */
  stateVersion?: number;
  waitForCompletion: boolean;
  timeoutMinutes: number;
  cancelOnDelete: boolean;
}

/** The inputs, as copied into the outputs for `diff`. */
export const INPUT_FIELDS = [
  "machineId",
  "computerDnsName",
  "comment",
  "triggers",
  "waitForCompletion",
  "timeoutMinutes",
  "evidenceDirectory",
  "cancelOnDelete",
] as const;

export function toOutputs(
  inputs: CollectionInputs,
  action: MachineAction,
  adopted: boolean,
  evidence?: Partial<EvidenceOutputs>,
): CollectionOutputs {
  return {
    stateVersion: STATE_VERSION,
    machineId: action.machineId,
    computerDnsName: action.computerDnsName ?? (inputs.computerDnsName as string | undefined) ?? null,
    comment: inputs.comment as string,
    triggers: (inputs.triggers as Record<string, string> | undefined) ?? {},
    waitForCompletion: inputs.waitForCompletion as boolean,
    timeoutMinutes: inputs.timeoutMinutes as number,
    evidenceDirectory: (inputs.evidenceDirectory as string | undefined) ?? null,
    cancelOnDelete: inputs.cancelOnDelete as boolean,
    marker: (inputs.marker as string | undefined) ?? null,
    actionId: action.id,
    status: action.status,
    adopted,
    requestor: action.requestor,
    requestorComment: action.requestorComment,
    creationDateTimeUtc: action.creationDateTimeUtc,
    lastUpdateDateTimeUtc: action.lastUpdateDateTimeUtc,
    errorHResult: action.errorHResult,
    ...withoutUndefined(evidence ?? {}),
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
    status: outs.status as MachineAction["status"],
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

function withoutUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
