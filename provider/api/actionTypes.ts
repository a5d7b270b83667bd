/**
 * The shapes of MDE machines and machine actions as the provider uses them, written out by hand
 * and free of zod: the package's public type declarations reach these (sweep rows, selectors),
 * and zod's own declarations do not compile in consumer projects with classic settings
 * (`moduleResolution: node` without `esModuleInterop`). schemas.ts parses into exactly these
 * shapes; the compiler checks that the two agree.
 */
export const ACTION_STATUSES = ["Pending", "InProgress", "Succeeded", "Failed", "TimeOut", "Cancelled"] as const;
export type ActionStatus = (typeof ACTION_STATUSES)[number];

/** A MachineAction normalised for our use: one spelling per field, `null` for absent values. */
export interface MachineAction {
  id: string;
  type: string;
  status: ActionStatus;
  machineId: string;
  computerDnsName: string | null;
  requestor: string | null;
  requestorComment: string | null;
  requestSource: string | null;
  creationDateTimeUtc: string;
  lastUpdateDateTimeUtc: string | null;
  externalId: string | null;
  errorHResult: number | null;
  cancellationRequestor: string | null;
  cancellationComment: string | null;
  cancellationDateTimeUtc: string | null;
}

/** A device, reduced to what selecting and naming it needs. */
export interface Machine {
  id: string;
  computerDnsName: string | null;
  osPlatform: string | null;
  healthStatus: string | null;
  onboardingStatus: string | null;
  lastSeen: string | null;
  machineTags: string[];
}
