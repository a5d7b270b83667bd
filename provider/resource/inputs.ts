/**
 * The resource's inputs, validated in `check` before anything talks to MDE. Messages name the
 * field and the fix. During preview, values that are not known yet arrive as Pulumi's "unknown"
 * sentinel string whatever their declared type, and must pass untouched.
 */
import { z } from "zod";
import { MARKER_PATTERN, MARKER_SUFFIX_LENGTH } from "../adoption/marker";
import { MachineIdSchema } from "../api/schemas";
import { evidenceLocationSchema } from "../evidence/location";

export const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

export const DEFAULT_TIMEOUT_MINUTES = 60;
/** A week: MDE keeps offline devices' actions pending for days before TimeOut. */
export const MAX_TIMEOUT_MINUTES = 7 * 24 * 60;
/** MDE stores the comment with the action; the portal truncates very long ones. */
export const MAX_COMMENT_LENGTH = 1000;
/** What is left for the declared comment once the correlation marker is appended. */
export const MAX_DECLARED_COMMENT_LENGTH = MAX_COMMENT_LENGTH - MARKER_SUFFIX_LENGTH;

const COMMENT_REQUIRED = "comment is required: say why the package is collected, e.g. 'INC-1234: suspected credential theft'";

const HOSTNAME = /^(?=.{1,253}$)[A-Za-z0-9](?:[A-Za-z0-9-]{0,62})(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,62}))*\.?$/;

/** Each input as `create` and `update` see it: every value known. The preview's variant is derived below. */
const KNOWN_FIELDS = {
  machineId: MachineIdSchema.optional(),
  computerDnsName: z.string().trim().regex(HOSTNAME, "computerDnsName must be a device name such as desktop-01.contoso.com").optional(),
  comment: z
    .string({ error: COMMENT_REQUIRED })
    .trim()
    .min(1, "comment must not be empty: MDE records it with the action as the reason for the collection")
    .max(
      MAX_DECLARED_COMMENT_LENGTH,
      `comment must be at most ${MAX_DECLARED_COMMENT_LENGTH} characters: MDE keeps ${MAX_COMMENT_LENGTH}, and each request appends a ${MARKER_SUFFIX_LENGTH}-character correlation marker such as " [k3f9a.q2mz]"`,
    ),
  triggers: z.record(z.string(), z.string(), { error: "triggers must be a map of strings, e.g. { round: \"2\" }" }).optional(),
  waitForCompletion: z.boolean({ error: "waitForCompletion must be true or false" }).default(true),
  timeoutMinutes: z
    .number({ error: "timeoutMinutes must be a number of minutes" })
    .int("timeoutMinutes must be a whole number of minutes")
    .min(1, "timeoutMinutes must be at least 1")
    .max(MAX_TIMEOUT_MINUTES, `timeoutMinutes must be at most ${MAX_TIMEOUT_MINUTES} (7 days)`)
    .default(DEFAULT_TIMEOUT_MINUTES),
  evidenceDirectory: evidenceLocationSchema("evidenceDirectory").optional(),
  evidence: evidenceLocationSchema("evidence").optional(),
  cancelOnDelete: z.boolean({ error: "cancelOnDelete must be true or false" }).default(false),
  /** Computed by the resource in the program (../adoption/marker.ts), never set by hand. */
  marker: z
    .string()
    .regex(MARKER_PATTERN, "marker must be a correlation marker such as [k3f9a.q2mz]; it is computed by InvestigationPackageCollection, do not set it")
    .optional(),
};

/** The rules across fields, the same for known and preview inputs. */
function deviceAndEvidenceRules(
  v: { machineId?: unknown; computerDnsName?: unknown; evidence?: unknown; evidenceDirectory?: unknown },
  ctx: z.RefinementCtx,
): void {
  if (v.machineId === undefined && v.computerDnsName === undefined) {
    ctx.addIssue({
      code: "custom",
      path: ["machineId"],
      message: "set machineId (the 40-character device id) or computerDnsName (the device name) to say which device to collect from",
    });
  }
  if (v.evidence !== undefined && v.evidenceDirectory !== undefined) {
    ctx.addIssue({ code: "custom", path: ["evidence"], message: "set either evidence or evidenceDirectory, not both: they name the same place" });
  }
  if (v.machineId !== undefined && v.computerDnsName !== undefined) {
    ctx.addIssue({
      code: "custom",
      path: ["computerDnsName"],
      message: "set either machineId or computerDnsName, not both: the id already names the device",
    });
  }
}

/** Inputs `check` accepted: what `create` and `update` parse (Pulumi resolves every unknown before them). */
export const KnownInputsSchema = z.object(KNOWN_FIELDS).superRefine(deviceAndEvidenceRules);
export type CollectionInputs = z.output<typeof KnownInputsSchema>;

/**
 * `schema`, or Pulumi's unknown sentinel. Not a z.union: a union reports "Invalid input" when
 * both branches fail, and the message of the real schema is the one that tells the user what to do.
 */
const orUnknown = (schema: z.core.$ZodType) =>
  z.unknown().transform((value, ctx) => {
    if (value === UNKNOWN) return UNKNOWN;
    const parsed = z.safeParse(schema, value);
    if (parsed.success) return parsed.data;
    for (const issue of parsed.error.issues) ctx.addIssue({ code: "custom", message: issue.message, path: issue.path });
    return z.NEVER;
  });

/** A known field's preview variant: the same schema or the sentinel, still optional or defaulted as it was. */
function previewField(field: z.core.$ZodType): z.core.$ZodType {
  if (field instanceof z.ZodOptional) return orUnknown(field.unwrap()).optional();
  if (field instanceof z.ZodDefault) return orUnknown(field.unwrap()).default(field.def.defaultValue);
  return orUnknown(field);
}

/**
 * What `check` validates, during preview too: each known field, or Pulumi's unknown sentinel
 * (whatever the field's type), derived from the known fields so the two cannot disagree.
 */
export const PreviewInputsSchema = z
  .object(Object.fromEntries(Object.entries(KNOWN_FIELDS).map(([key, field]) => [key, previewField(field)])))
  .superRefine(deviceAndEvidenceRules);

export interface CheckFailure {
  property: string;
  reason: string;
}

/** Validates the news of `check`; `inputs` are normalised (lower-case ids, defaults filled in). */
export function checkInputs(news: Record<string, unknown>): { inputs: Record<string, unknown>; failures: CheckFailure[] } {
  const { __provider, ...rest } = news;
  const parsed = PreviewInputsSchema.safeParse(rest);
  if (!parsed.success) {
    const failures = parsed.error.issues.map((issue) => ({
      property: issue.path.length > 0 ? issue.path.map(String).join(".") : "inputs",
      reason: issue.message,
    }));
    return { inputs: news, failures };
  }
  // `evidence` is the other spelling of `evidenceDirectory`: one field is stored and compared.
  const { evidence, ...data } = parsed.data;
  if (evidence !== undefined) data.evidenceDirectory = evidence;
  return { inputs: { ...data, __provider }, failures: [] };
}

/** Parses inputs that `check` already accepted (create and update never see unknowns). */
export function parseKnownInputs(news: Record<string, unknown>): CollectionInputs {
  const { __provider, ...rest } = news;
  return KnownInputsSchema.parse(rest);
}
