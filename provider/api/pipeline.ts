/**
 * The request pipeline: one small policy per concern, composed in a fixed order.
 *
 *     retry → throttle → auth → transport
 *
 * Why this order: retry is outermost so that *every* attempt passes the limiter again (a fresh
 * quota slot, so retries cannot overrun MDE's windows) and is signed again (a fresh or refreshed
 * token, so a 401 can be healed by retrying). Transport is innermost and is the only place that
 * turns HTTP statuses and socket failures into typed errors. Each policy knows nothing of the
 * others (the Azure core-rest-pipeline and octokit hook design).
 */
import { ForensicsError } from "../util/error";
import type { ApiFamily } from "./quotas";

export type HttpMethod = "GET" | "POST";

/** One logical call to MDE, before any policy has touched it. */
export interface MdeRequest {
  method: HttpMethod;
  /** Absolute URL, query included. */
  url: string;
  /** Route template used in messages and logs, e.g. `GET /api/machineactions/{id}`; never holds ids or queries. */
  route: string;
  /** Which MDE quota this call counts against. */
  family: ApiFamily;
  /** JSON-serialisable body, sent with `Content-Type: application/json`. */
  body?: unknown;
  headers?: Record<string, string>;
  signal?: AbortSignal;
  /**
   * Whether re-sending after a failure that may have reached MDE is harmless. GETs are; the
   * collect POST is not (it could start a second collection), so it is never re-sent blindly.
   */
  idempotent: boolean;
}

/** A 2xx reply (non-2xx replies are thrown as typed errors by the transport). */
export interface MdeResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  /** Parsed JSON, the raw text when the reply is not JSON, or `undefined` when empty. */
  body: unknown;
}

export type Send = (request: MdeRequest) => Promise<MdeResponse>;

/** One concern wrapped around the rest of the pipeline. */
export interface Policy {
  /** For diagnostics and to reject accidental duplicates. */
  readonly name: string;
  send(request: MdeRequest, next: Send): Promise<MdeResponse>;
}

/** Composes `policies` (outermost first) around `transport`. */
export function composePipeline(policies: readonly Policy[], transport: Send): Send {
  const names = new Set<string>();
  for (const p of policies) {
    if (names.has(p.name)) throw new ForensicsError(`policy "${p.name}" appears twice in the MDE pipeline`);
    names.add(p.name);
  }
  return policies.reduceRight<Send>((next, policy) => (request) => policy.send(request, next), transport);
}
