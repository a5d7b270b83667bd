/**
 * The MDE API's wire format, as zod schemas shared by the client (which parses replies) and the
 * emulator (which builds its replies from them and validates them before sending), so any drift
 * between the two shows up in tests. Response schemas are loose: unknown fields are kept, nulls
 * are tolerated, and the documented spelling drift is normalised (see
 * ../shared/reference/mde-api.md §3, §5, §8).
 */
import { z } from "zod";
import { ACTION_STATUSES, type ActionStatus, type Machine, type MachineAction } from "./actionTypes";
import { MACHINE_ID_PATTERN } from "./machineIdPattern";

export { ACTION_STATUSES, type ActionStatus, type Machine, type MachineAction };

/** 40 hex characters; MDE ids are lower case, so input is normalised to lower case. */
export const MachineIdSchema = z
  .string()
  .trim()
  .regex(MACHINE_ID_PATTERN, "a machine id is 40 hexadecimal characters (the id in the device page URL of the Defender portal)")
  .transform((s) => s.toLowerCase());

/** A GUID, e.g. 5382f7ea-7557-4ab7-9782-d50480024a4e. */
export const ActionIdSchema = z
  .string()
  .trim()
  .regex(
    /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/,
    "a machine action id is a GUID such as 5382f7ea-7557-4ab7-9782-d50480024a4e",
  )
  .transform((s) => s.toLowerCase());

/** Statuses after which an action never changes again. */
export const FINAL_STATUSES: ReadonlySet<ActionStatus> = new Set(["Succeeded", "Failed", "TimeOut", "Cancelled"]);
export const ACTIVE_STATUSES: ReadonlySet<ActionStatus> = new Set(["Pending", "InProgress"]);
/**
 * Final statuses without a package: after one, the next run requests a new collection. The one
 * list for the three places that act on it: diff replaces such a collection, adoption does not
 * reuse it, a sweep retries its machine.
 */
export const RETRYABLE_FINAL_STATUSES: ReadonlySet<ActionStatus> = new Set(["Failed", "TimeOut", "Cancelled"]);

/** Older docs spell `Cancelled` as `Canceled`; both arrive in the wild. */
export const ActionStatusSchema = z.preprocess(
  (v) => (v === "Canceled" ? "Cancelled" : v),
  z.enum(ACTION_STATUSES),
);

export const COLLECT_ACTION_TYPE = "CollectInvestigationPackage";

const nullableString = z.string().nullish();

/** A MachineAction as it arrives on the wire. */
export const MachineActionWireSchema = z.looseObject({
  id: z.string(),
  type: z.string(),
  title: nullableString,
  scope: nullableString,
  requestor: nullableString,
  requestorComment: nullableString,
  requestSource: nullableString,
  status: ActionStatusSchema,
  machineId: z.string(),
  computerDnsName: nullableString,
  creationDateTimeUtc: z.string(),
  lastUpdateDateTimeUtc: nullableString,
  /** The list API's documented spelling. */
  lastUpdateTimeUtc: nullableString,
  externalId: nullableString,
  /** The entity page's documented spelling. */
  externalID: nullableString,
  cancellationRequestor: nullableString,
  cancellationComment: nullableString,
  cancellationDateTimeUtc: nullableString,
  errorHResult: z.number().int().nullish(),
  relatedFileInfo: z.unknown().optional(),
  commands: z.array(z.unknown()).nullish(),
  troubleshootInfo: z.unknown().optional(),
});
export type MachineActionWire = z.input<typeof MachineActionWireSchema>;

/** A MachineAction normalised for our use: one spelling per field, `null` for absent values. */
export const MachineActionSchema = MachineActionWireSchema.transform((a): MachineAction => ({
  id: a.id.toLowerCase(),
  type: a.type,
  status: a.status,
  machineId: a.machineId.toLowerCase(),
  computerDnsName: a.computerDnsName ?? null,
  requestor: a.requestor ?? null,
  requestorComment: a.requestorComment ?? null,
  requestSource: a.requestSource ?? null,
  creationDateTimeUtc: a.creationDateTimeUtc,
  lastUpdateDateTimeUtc: a.lastUpdateDateTimeUtc ?? a.lastUpdateTimeUtc ?? null,
  externalId: a.externalId ?? a.externalID ?? null,
  errorHResult: a.errorHResult ?? null,
  cancellationRequestor: a.cancellationRequestor ?? null,
  cancellationComment: a.cancellationComment ?? null,
  cancellationDateTimeUtc: a.cancellationDateTimeUtc ?? null,
}));

export const MachineWireSchema = z.looseObject({
  id: z.string(),
  computerDnsName: nullableString,
  firstSeen: nullableString,
  lastSeen: nullableString,
  osPlatform: nullableString,
  osVersion: nullableString,
  osArchitecture: nullableString,
  version: nullableString,
  osBuild: z.number().nullish(),
  lastIpAddress: nullableString,
  lastExternalIpAddress: nullableString,
  healthStatus: nullableString,
  onboardingStatus: nullableString,
  rbacGroupId: z.number().nullish(),
  rbacGroupName: nullableString,
  riskScore: nullableString,
  exposureLevel: nullableString,
  deviceValue: nullableString,
  aadDeviceId: nullableString,
  isAadJoined: z.boolean().nullish(),
  machineTags: z.array(z.string()).nullish(),
});
export type MachineWire = z.input<typeof MachineWireSchema>;

export const MachineSchema = MachineWireSchema.transform((m): Machine => ({
  id: m.id.toLowerCase(),
  computerDnsName: m.computerDnsName ?? null,
  osPlatform: m.osPlatform ?? null,
  healthStatus: m.healthStatus ?? null,
  onboardingStatus: m.onboardingStatus ?? null,
  lastSeen: m.lastSeen ?? null,
  machineTags: m.machineTags ?? [],
}));

/** An OData collection page. MDE rarely sends `@odata.nextLink`, but when it does it is followed. */
export function odataListSchema<T extends z.ZodType>(item: T) {
  return z.looseObject({
    "@odata.context": z.string().optional(),
    value: z.array(item),
    "@odata.nextLink": z.string().nullish(),
  });
}

/**
 * GetPackageUri's reply. The documented example wraps the URL in literal quotes, so they are
 * stripped defensively.
 */
export const PackageUriSchema = z.looseObject({
  "@odata.context": z.string().optional(),
  value: z
    .string()
    .transform((s) => s.trim().replace(/^"+|"+$/g, ""))
    .pipe(z.url({ protocol: /^https?$/ })),
});

/** MDE's error body: `target` is the correlation id to give Microsoft support. */
export const ErrorBodySchema = z.looseObject({
  error: z.looseObject({
    code: z.string(),
    message: z.string().nullish(),
    target: z.string().nullish(),
  }),
});
export type ErrorBody = z.input<typeof ErrorBodySchema>;

/** Body of collectInvestigationPackage. Field names are case-sensitive on the real API. */
export const CollectRequestSchema = z.strictObject({
  Comment: z.string().trim().min(1, "Comment must not be empty"),
});
export type CollectRequest = z.input<typeof CollectRequestSchema>;

/** Body of machineactions/{id}/cancel. */
export const CancelRequestSchema = z.strictObject({
  Comment: z.string().trim().min(1).optional(),
});
export type CancelRequest = z.input<typeof CancelRequestSchema>;
