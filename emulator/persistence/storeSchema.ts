/**
 * The shape of the emulator's durable state, validated when a data folder is loaded so a state
 * file from another version (or edited by hand) fails loudly instead of half-working.
 * Only facts are stored; action status is derived from them (lifecycle.ts).
 */
import { z } from "zod";
import type { ScenarioMachine } from "../scenario/scenarioSchema";

/**
 * A machine as the store serves it: the scenario's, placed in its tenant and in time. Not
 * persisted: machines come from the scenario on every start; only their first start is stored.
 */
export interface MachineRecord extends ScenarioMachine {
  tenantId: string;
  firstSeenMs: number;
  lastSeenMs: number;
}

const PlanSchema = z.object({
  pickupMs: z.number().nullable(),
  workMs: z.number(),
  timeoutMs: z.number(),
  outcome: z.enum(["Succeeded", "Failed"]),
  errorHResult: z.number(),
});
export const StoredActionSchema = z.object({
  id: z.string(),
  tenantId: z.string(),
  machineId: z.string(),
  computerDnsName: z.string().nullable(),
  osPlatform: z.string(),
  type: z.string(),
  requestor: z.string(),
  requestorComment: z.string().nullable(),
  createdMs: z.number(),
  plan: PlanSchema,
  packageSizeKiB: z.number().nullable(),
  cancellation: z.object({ atMs: z.number(), requestor: z.string(), comment: z.string().nullable() }).nullable(),
  /** A test's hold or end command (control endpoint); absent for actions nobody steered. */
  steering: z
    .object({
      hold: z.object({ sinceMs: z.number(), releasedMs: z.number().nullable() }).optional(),
      end: z.object({ atMs: z.number(), status: z.enum(["Succeeded", "Failed", "TimeOut"]), errorHResult: z.number() }).optional(),
    })
    .optional(),
});
export type StoredAction = z.infer<typeof StoredActionSchema>;

/** What survives a restart: actions and the counters their correctness depends on. */
export const PersistedSchema = z.object({
  version: z.literal(1),
  seed: z.string(),
  firstStartMs: z.number(),
  idSequence: z.number().int().nonnegative(),
  linkKey: z.string(),
  /** The latest emulated time this state was written at; the next run's clock starts no earlier. */
  lastNowMs: z.number().default(0),
  actions: z.array(StoredActionSchema),
});
export type Persisted = z.infer<typeof PersistedSchema>;
