/**
 * Input checks and encoding, applied before any call.
 *
 * Why: ids and names come from users (stack inputs, tags) and end up in URL paths and OData
 * filters. Nothing a user types may change which route is called or what a filter means, and a
 * malformed id should fail locally with a clear message rather than as an opaque MDE 400 after a
 * quota slot was spent.
 */
import { z } from "zod";
import { MdeValidationError } from "./errors";
import { ActionIdSchema, CancelRequestSchema, CollectRequestSchema, MachineIdSchema } from "./schemas";

function parseWith<T>(schema: z.ZodType<T>, value: unknown, argName: string): T {
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  const issues = r.error.issues.map((i) => `${argName}: ${i.message}`);
  throw new MdeValidationError(`Invalid ${argName}: ${r.error.issues.map((i) => i.message).join("; ")}`, issues);
}

/** A machine id: 40 hex characters, returned in lower case as MDE uses it. */
export function parseMachineId(value: unknown, argName = "machineId"): string {
  return parseWith(MachineIdSchema, value, argName);
}

/** A machine action id: a GUID, returned in lower case. */
export function parseActionId(value: unknown, argName = "actionId"): string {
  return parseWith(ActionIdSchema, value, argName);
}

/** The collect comment (required and non-empty on the real API), trimmed. */
export function parseCollectComment(value: unknown, argName = "comment"): string {
  return parseWith(CollectRequestSchema, { Comment: value }, argName).Comment;
}

/** The cancel comment (optional on the API; we always send one for the audit trail). */
export function parseCancelComment(value: unknown, argName = "comment"): string | undefined {
  return parseWith(CancelRequestSchema, { Comment: value }, argName).Comment;
}

// eslint-disable-next-line no-control-regex
const CONTROL_CHARS = /[\u0000-\u001f\u007f-\u009f]/;

/**
 * One URL path segment from free text (a computer name): rejected when it contains `/`, `\`,
 * `..` or control characters, then percent-encoded, so it can never reach another route.
 */
export function pathSegment(value: unknown, argName: string): string {
  const text = typeof value === "string" ? value.trim() : "";
  const problem =
    text === "" ? "must not be empty"
    : /[/\\]/.test(text) ? "must not contain / or \\"
    : text.includes("..") || text === "." ? "must not contain .."
    : CONTROL_CHARS.test(text) ? "must not contain control characters"
    : undefined;
  if (problem) throw new MdeValidationError(`Invalid ${argName}: ${problem}`, [`${argName}: ${problem}`]);
  return encodeURIComponent(text);
}

/** Free text used as a query value or filter literal (a tag): non-empty, no control characters. */
export function plainText(value: unknown, argName: string): string {
  const text = typeof value === "string" ? value.trim() : "";
  const problem = text === "" ? "must not be empty" : CONTROL_CHARS.test(text) ? "must not contain control characters" : undefined;
  if (problem) throw new MdeValidationError(`Invalid ${argName}: ${problem}`, [`${argName}: ${problem}`]);
  return text;
}

/** An OData string literal: quoted, with `'` doubled (OData ABNF `SQUOTE-in-string`). */
export function odataString(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

/** Whether `value` looks like a machine id rather than a computer name. */
export function isMachineId(value: string): boolean {
  return MachineIdSchema.safeParse(value).success;
}

export type QueryValue = string | number | boolean | undefined;

/**
 * `base` + `path` + query. Keys are written as given (`$filter`, `$top` keep their `$`), values are
 * percent-encoded; undefined values are left out.
 */
export function buildUrl(base: string, path: string, query: Record<string, QueryValue> = {}): string {
  const parts = Object.entries(query)
    .filter((e): e is [string, string | number | boolean] => e[1] !== undefined)
    .map(([k, v]) => `${k}=${encodeURIComponent(String(v))}`);
  return `${base}${path}${parts.length > 0 ? `?${parts.join("&")}` : ""}`;
}
