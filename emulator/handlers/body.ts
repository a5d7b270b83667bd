/**
 * JSON request bodies of the action POSTs: `Content-Type: application/json` is required (the
 * docs list it as a required header), and a body that is not JSON is `InvalidRequestBody`.
 */
import type { z } from "zod";
import { MdeErrors } from "../wire/errors";
import type { RequestContext } from "./handler";

/** Parses the body with `schema`; `emptyAs` stands in for an empty body where one is allowed. */
export function jsonBody<S extends z.ZodType>(ctx: RequestContext, schema: S, hint: string, emptyAs?: unknown): z.output<S> {
  const type = String(ctx.headers["content-type"] ?? "");
  const text = ctx.body.toString("utf8").trim();
  if (text === "" && emptyAs !== undefined) return schema.parse(emptyAs);
  if (!/^application\/json\b/i.test(type)) throw MdeErrors.unsupportedMediaType(type || "(none)");
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw MdeErrors.invalidRequestBody("The request body is not valid JSON");
  }
  const result = schema.safeParse(raw);
  if (!result.success) {
    const detail = result.error.issues.map((i) => `${i.path.join(".") || "body"}: ${i.message}`).join("; ");
    throw MdeErrors.invalidRequestBody(`Request body is invalid (${detail}). ${hint}`);
  }
  return result.data;
}
