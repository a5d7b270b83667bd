/**
 * What the provider stores for a collection, validated and versioned. Pulumi hands the stored
 * outputs back to diff, read, update and delete as an untyped map; a hand-edited checkpoint, a
 * state written by another version or a bug would otherwise flow on as a cast and fail far from
 * its cause (or, worse, make a `pulumi up` request a collection twice). So every method parses
 * what it is given here, and a bad field fails with its name before any call to MDE.
 *
 * Versions:
 * - 0 (0.1.0): no `stateVersion`, no `marker`; otherwise today's outputs.
 * - 1: `stateVersion: 1` and `marker` (the correlation marker the request carried, or null for
 *   a collection adopted or requested before markers existed).
 * Older versions are migrated, never cast; a newer one is refused (this code cannot know it).
 */
import { z } from "zod";
import { MARKER_PATTERN } from "../adoption/marker";
import { STORED_MACHINE_ID_PATTERN } from "../api/machineIdPattern";
import { ACTION_STATUSES } from "../api/schemas";
import { ForensicsError } from "../util/error";

export const STATE_VERSION = 1;

/** A nullable output; Pulumi may drop a null on its way through state, which reads back as null. */
const nullable = <T extends z.ZodType>(schema: T) => schema.nullable().optional().transform((v) => v ?? null);

export const StoredStateSchema = z.object({
  stateVersion: z.literal(STATE_VERSION),
  machineId: z.string().regex(STORED_MACHINE_ID_PATTERN, "expected a 40-character lower-case machine id"),
  computerDnsName: nullable(z.string()),
  comment: z.string().min(1),
  triggers: z.record(z.string(), z.string()).optional().transform((v) => v ?? {}),
  marker: nullable(z.string().regex(MARKER_PATTERN, "expected a correlation marker such as [k3f9a.q2mz]")),
  waitForCompletion: z.boolean(),
  timeoutMinutes: z.number().int().positive(),
  evidenceDirectory: nullable(z.string()),
  cancelOnDelete: z.boolean(),
  actionId: z.string().min(1),
  status: z.enum(ACTION_STATUSES),
  adopted: z.boolean(),
  requestor: nullable(z.string()),
  requestorComment: nullable(z.string()),
  creationDateTimeUtc: z.string().min(1),
  lastUpdateDateTimeUtc: nullable(z.string()),
  errorHResult: nullable(z.number()),
  packagePath: z.string().optional(),
  packageSha256: z.string().regex(/^[0-9a-f]{64}$/, "expected a SHA-256 in hex").optional(),
  packageSizeBytes: z.number().int().nonnegative().optional(),
  manifestPath: z.string().optional(),
});

/**
 * The resource's outputs: exactly what is stored, so what the provider writes and what it reads
 * back are one type. Every input is among them because `diff` only sees the old outputs
 * (./outputs.ts builds them); they are an evidence subject as they stand (../evidence/subject.ts).
 */
export type CollectionOutputs = z.output<typeof StoredStateSchema>;

export class StoredStateError extends ForensicsError {
  override readonly name = "StoredStateError";
}

/** Stored outputs and the serialized provider kept beside them, which this module leaves alone. */
export interface ParsedState {
  outputs: CollectionOutputs;
  provider: unknown;
}

/** Parses (and migrates) the stored outputs of collection `id`. */
export function parseStoredState(id: string, props: Record<string, unknown>): ParsedState {
  const { __provider, ...raw } = props;
  const migrated = migrate(id, raw);
  const parsed = StoredStateSchema.safeParse(migrated);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = issue.path.map(String).join(".") || "(state)";
    throw new StoredStateError(
      `the stored state of collection ${id || "(no id)"} is not valid: field '${field}': ${issue.message}. ` +
        "Was the checkpoint edited by hand? Correct it with `pulumi stack export` and `pulumi stack import`, " +
        "or drop the resource from state with `pulumi state delete` and let the next `pulumi up` find its collection again",
    );
  }
  return { outputs: parsed.data, provider: __provider };
}

/** Brings an older state to the current version. */
export function migrate(id: string, raw: Record<string, unknown>): Record<string, unknown> {
  const version = raw.stateVersion;
  if (version === undefined) return { ...raw, stateVersion: STATE_VERSION, marker: raw.marker ?? null }; // 0.1.0
  if (typeof version === "number" && Number.isInteger(version) && version > STATE_VERSION) {
    throw new StoredStateError(
      `the stored state of collection ${id} has stateVersion ${version}, written by a newer pulumi-mde-forensics: install that version or newer in the Pulumi project`,
    );
  }
  return raw;
}
