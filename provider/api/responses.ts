/**
 * Parses 2xx replies with the shared wire schemas. A reply that does not match becomes an error
 * naming the route and the offending field, because "Cannot read properties of undefined" three
 * calls later tells nobody that the API changed.
 */
import type { z } from "zod";
import { MdeUnexpectedResponseError } from "./errors";

export interface ResponseContext {
  method: string;
  /** Route template, e.g. `GET /api/machineactions/{id}`. */
  route: string;
  /** Actual path without query. */
  path: string;
}

/** `schema.parse(body)`, with failures reported as {@link MdeUnexpectedResponseError}. Values are never echoed. */
export function parseResponse<S extends z.ZodType>(schema: S, body: unknown, ctx: ResponseContext): z.output<S> {
  const r = schema.safeParse(body);
  if (r.success) return r.data;
  const fields = r.error.issues
    .slice(0, 5)
    .map((i) => `${i.path.length > 0 ? i.path.join(".") : "(body)"}: ${i.message}`)
    .join("; ");
  throw new MdeUnexpectedResponseError(
    `MDE's reply to ${ctx.route} does not have the documented shape (${fields}). The API may have changed; please report this message.`,
    { method: ctx.method, path: ctx.path },
  );
}

/** Milliseconds since the epoch of an MDE timestamp (0–7 fractional digits, `Z`), or `undefined`. */
export function parseTimestamp(value: string | null | undefined): number | undefined {
  if (!value) return undefined;
  // Trim fractions beyond milliseconds: not every Date parser accepts 7 digits.
  const ms = Date.parse(value.replace(/(\.\d{3})\d+/, "$1"));
  return Number.isNaN(ms) ? undefined : ms;
}
