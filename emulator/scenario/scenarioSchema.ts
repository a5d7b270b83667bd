/**
 * The scenario file's schema: who can sign in (tenants, app registrations), which devices exist
 * and how each one behaves when asked for a package, what is already running, and the service's
 * switches and quotas. Strict objects, so a misspelt key is an error with its line number rather
 * than a silently ignored setting.
 */
import { z } from "zod";
import { MACHINE_ID_PATTERN } from "../../provider/api/machineIdPattern";
import { EVIDENCE_DEFAULTS, EvidenceSchema, PlantSchema } from "./plantSchema";

export const OS_PLATFORMS = ["Windows10", "Windows11", "WindowsServer2019", "WindowsServer2022", "Linux", "macOS"] as const;
export type OsPlatform = (typeof OS_PLATFORMS)[number];

export const BEHAVIORS = ["online", "slow", "offline", "failing"] as const;
export type Behavior = (typeof BEHAVIORS)[number];

const guid = z
  .string()
  .regex(/^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/, "expected a GUID")
  .transform((s) => s.toLowerCase());

/** Overrides of a behaviour's timing and outcome; every field is optional. */
export const BehaviorParamsSchema = z.strictObject({
  /** Emulated seconds before the device picks the action up. */
  pendingSeconds: z.number().nonnegative().optional(),
  /** Emulated seconds the device works on it. */
  inProgressSeconds: z.number().nonnegative().optional(),
  /** Emulated seconds after creation at which an unfinished action becomes TimeOut. */
  timeoutSeconds: z.number().positive().optional(),
  /** The HRESULT reported by a failing collection. */
  errorHResult: z.number().int().optional(),
});
export type BehaviorParams = z.infer<typeof BehaviorParamsSchema>;

export const TenantSchema = z.strictObject({
  id: guid,
  displayName: z.string().min(1).optional(),
});

/** A federated identity credential: tokens from `issuer` for `subject` (and one of `audiences`) sign in as the app. */
export const FederatedCredentialSchema = z.strictObject({
  name: z.string().min(1).optional(),
  /** e.g. `https://token.actions.githubusercontent.com`; its `/.well-known/openid-configuration` names the keys. */
  issuer: z.string().url(),
  /** e.g. `repo:contoso/ir:environment:incident-response`, exactly as the issuer puts it in `sub`. */
  subject: z.string().min(1),
  audiences: z.array(z.string().min(1)).min(1).default(["api://AzureADTokenExchange"]),
});

export const AppSchema = z.strictObject({
  /** Defaults to the first tenant. */
  tenantId: guid.optional(),
  clientId: guid,
  clientSecret: z.string().min(1),
  /** Shown as the action's `requestor`, as MDE does for app-context calls. */
  displayName: z.string().min(1),
  roles: z.array(z.string().min(1)).default([]),
  /** Certificates (PEM, public part) whose keys may sign a client assertion for the app. */
  certificates: z.array(z.string().includes("BEGIN CERTIFICATE", { message: "a certificate in PEM form" })).default([]),
  federatedCredentials: z.array(FederatedCredentialSchema).default([]),
});

export const MachineSchema = z.strictObject({
  tenantId: guid.optional(),
  id: z
    .string()
    .regex(MACHINE_ID_PATTERN, "a machine id is 40 hexadecimal characters")
    .transform((s) => s.toLowerCase()),
  computerDnsName: z.string().min(1),
  osPlatform: z.enum(OS_PLATFORMS),
  healthStatus: z
    .enum(["Active", "Inactive", "ImpairedCommunication", "NoSensorData", "NoSensorDataImpairedCommunication", "Unknown"])
    .default("Active"),
  machineTags: z.array(z.string()).default([]),
  behavior: z.enum(BEHAVIORS).default("online"),
  params: BehaviorParamsSchema.optional(),
  /** Size of the generated package; large values let benchmarks move big files. */
  packageSizeKiB: z.number().int().positive().max(4 * 1024 * 1024).optional(),
  /** `lastSeen` is this many hours before the emulator's first start. */
  lastSeenHoursAgo: z.number().nonnegative().optional(),
  lastIpAddress: z.string().optional(),
  riskScore: z.enum(["None", "Informational", "Low", "Medium", "High"]).default("None"),
  exposureLevel: z.enum(["None", "Low", "Medium", "High"]).default("Low"),
});
export type ScenarioMachine = z.output<typeof MachineSchema>;

export const ActionSeedSchema = z.strictObject({
  /** A machine id or computerDnsName from `machines`. */
  machine: z.string().min(1),
  /** Fixed action id; derived from the seed when absent. */
  id: guid.optional(),
  createdMinutesAgo: z.number().nonnegative(),
  comment: z.string().default("Pre-seeded by the emulator scenario"),
  requestor: z.string().optional(),
  /** Overrides the machine's behaviour for this action only. */
  behavior: z.enum(BEHAVIORS).optional(),
  params: BehaviorParamsSchema.optional(),
});

const QuotaLimitSchema = z.strictObject({ max: z.number().int().positive(), windowSeconds: z.number().positive() });
export const QuotaOverridesSchema = z.strictObject({
  collect: z.array(QuotaLimitSchema).optional(),
  cancel: z.array(QuotaLimitSchema).optional(),
  reads: z.array(QuotaLimitSchema).optional(),
  packageUri: z.array(QuotaLimitSchema).optional(),
  /** Whether refused calls count against the window ("retrying early extends the 429s", mde-api.md §8). */
  countRejected: z.boolean().optional(),
});
export type QuotaOverrides = z.infer<typeof QuotaOverridesSchema>;

export const SwitchesSchema = z.strictObject({
  /** What a second collect POST gets while one is Pending/InProgress (both are seen in the wild). */
  duplicateCollection: z.enum(["reject", "return-existing"]).default("reject"),
  /** Access token lifetime in emulated seconds (Entra: one hour). */
  tokenLifetimeSeconds: z.number().int().positive().default(3600),
  /** Download link lifetime in emulated seconds (undocumented; "a short time"). */
  packageLinkLifetimeSeconds: z.number().int().positive().default(600),
});

export const FleetSchema = z.strictObject({
  count: z.number().int().positive().max(100_000),
  behavior: z.enum(BEHAVIORS).default("online"),
  packageSizeKiB: z.number().int().positive().optional(),
  namePrefix: z.string().default("fleet"),
});

export const ScenarioSchema = z.strictObject({
  name: z.string().default("scenario"),
  tenants: z.array(TenantSchema).min(1),
  apps: z.array(AppSchema).min(1),
  machines: z.array(MachineSchema).default([]),
  /** Extra generated machines (see fleet.ts), appended after `machines`. */
  fleet: FleetSchema.optional(),
  actions: z.array(ActionSeedSchema).default([]),
  switches: SwitchesSchema.default({ duplicateCollection: "reject", tokenLifetimeSeconds: 3600, packageLinkLifetimeSeconds: 600 }),
  quotas: QuotaOverridesSchema.optional(),
  /** What the packages' files look like: encodings, report form, Security log size, the logs' end. */
  evidence: EvidenceSchema.default(EVIDENCE_DEFAULTS),
  /** Attacker traces on chosen devices (Windows only); see plantSchema.ts. */
  plants: z.array(PlantSchema).default([]),
  /** The answer key of a resolved scenario written back out: ignored, recomputed from `plants`. */
  answerKey: z.array(z.unknown()).optional(),
});

/** A scenario as written by a user (defaults not yet applied). */
export type ScenarioInput = z.input<typeof ScenarioSchema>;
/** A validated scenario with defaults applied (fleet not yet expanded). */
export type ScenarioParsed = z.output<typeof ScenarioSchema>;
export type ScenarioApp = z.output<typeof AppSchema> & { tenantId: string };
