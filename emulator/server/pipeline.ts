/**
 * One request, start to finish, in a fixed order written down here:
 * control endpoint (if enabled) → route match → arrival counters → faults "before" →
 * body → bearer auth + roles → quota → handler → faults "after" → reply (or its first bytes, for a
 * "midBody" fault) → counters + access log.
 * Auth comes before the quota because quotas are per application; faults come first so a
 * "before" fault means the service never saw the request, and "after" means it did.
 */
import { randomUUID } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { authenticate } from "../authentication/auth";
import { CONTROL_PREFIX, handleControl } from "./control";
import type { EmulatorCore } from "../core";
import { entraError, MdeErrors, MdeHttpError, RawHttpError } from "../wire/errors";
import type { FaultEffect } from "../scenario/faults";
import { redactToken } from "../packages/packageLinks";
import { retryAfterSeconds } from "./quotas";
import type { Reply, RequestContext } from "../handlers/handler";
import { matchRoute, normalisePath, type CompiledRoute } from "./router";

const MAX_BODY_BYTES = 1024 * 1024;

export async function handleRequest(emu: EmulatorCore, routes: CompiledRoute[], req: IncomingMessage, res: ServerResponse, baseUrl: string): Promise<void> {
  const started = Date.now();
  const reqId = randomUUID();
  const method = (req.method ?? "GET").toUpperCase();
  const url = new URL(req.url ?? "/", baseUrl);
  const path = normalisePath(url.pathname);
  let outcome: number | "reset" = 500;
  /** Counted under this name; control calls are not counted, they observe the run. */
  let routeName: string | undefined = "unmatched";
  res.setHeader("request-id", reqId);
  try {
    if (emu.config.control && path.toLowerCase().startsWith(CONTROL_PREFIX)) {
      routeName = undefined;
      outcome = send(res, await handleControl(emu, method, path, await readBody(req)), reqId);
      return;
    }
    const match = matchRoute(routes, method, path);
    const route = match.route;
    const routeId = route?.id ?? "unmatched";
    routeName = route?.name ?? "unmatched";
    const params = route ? match.params : {};
    if (routeId === "collect") emu.counters.bump("collectPosts", params.id.toLowerCase());
    if (routeId === "getPackageUri") emu.counters.bump("packageUriCalls", params.id.toLowerCase());

    const target = { route: routeId, method, path };
    const before = await strike(emu, "before", target);
    if (before?.type === "reset") {
      outcome = destroy(req);
      return;
    }
    let reply: Reply;
    if (before) {
      reply = errorReply(faultError(before, routeId, reqId), reqId);
    } else {
      const body = await readBody(req);
      const ctx: RequestContext = { reqId, method, path, params, query: url.searchParams, headers: req.headers, body, nowMs: emu.clock.now(), baseUrl, emu };
      reply = await run(ctx, route);
      const after = await strike(emu, "after", target);
      if (after?.type === "reset") {
        outcome = destroy(req);
        return;
      }
      if (after) reply = errorReply(faultError(after, routeId, reqId), reqId);
    }
    const cut = emu.faults.decide("midBody", target);
    if (cut.effect?.type === "reset") {
      emu.counters.fault();
      outcome = await sendPart(res, req, reply, reqId, cut.effect.afterBytes);
      return;
    }
    outcome = send(res, reply, reqId);
  } catch (e) {
    const known = e instanceof MdeHttpError || e instanceof RawHttpError;
    if (!known) emu.config.log(`error ${reqId}: ${(e as Error).stack ?? e}`);
    outcome = res.headersSent ? 500 : send(res, errorReply(known ? e : MdeErrors.internal(), reqId), reqId);
  } finally {
    if (routeName) emu.counters.request(routeName, outcome);
    if (emu.config.accessLog) {
      // Never log the Authorization header or a download token.
      emu.config.log(`${new Date().toISOString()} ${reqId} ${method} ${redactToken(req.url ?? "")} ${outcome} ${Date.now() - started}ms`);
    }
  }
}

/** Auth, quota, handler; typed errors become replies, anything else is a bug and propagates. */
async function run(ctx: RequestContext, route: ReturnType<typeof matchRoute>["route"]): Promise<Reply> {
  const { emu } = ctx;
  try {
    if (!route) throw MdeErrors.routeNotFound(ctx.path);
    if (route.auth) {
      ctx.principal = authenticate(emu, ctx.headers.authorization, ctx.nowMs, route.roles);
      if (route.family) {
        const verdict = emu.quotas.take(`${ctx.principal.tenantId}/${ctx.principal.clientId}`, route.family, route.id, ctx.nowMs);
        if (!verdict.ok) {
          throw MdeErrors.tooManyRequests(verdict.limit.max, verdict.limit.windowSeconds, retryAfterSeconds(verdict.retryAfterMs, emu.timeScale), verdict.retryAfterMs);
        }
      }
    }
    return await route.handler(ctx);
  } catch (e) {
    if (e instanceof MdeHttpError || e instanceof RawHttpError) return errorReply(e, ctx.reqId);
    throw e;
  }
}

/** Sign-in routes answer a fault the way Entra does (OAuth error JSON, an AADSTS code); the API routes as MDE does. */
const ENTRA_ROUTES = new Set(["token", "tokenV1", "openidConfiguration", "jwks"]);
const ENTRA_FAULTS = {
  429: ["temporarily_unavailable", 90055, "TenantThrottlingError: There are too many incoming requests. This exception is thrown for blocked tenants."],
  500: ["server_error", 50000, "TokenIssuanceError: There's an issue with the sign-in service."],
  503: ["temporarily_unavailable", 90033, "MsodsServiceUnavailable: The Microsoft Online Directory Service (MSODS) isn't available."],
} as const;

function faultError(effect: Exclude<FaultEffect, { type: "reset" }>, routeId: string, reqId: string): MdeHttpError | RawHttpError {
  if (ENTRA_ROUTES.has(routeId)) {
    const [error, code, text] = ENTRA_FAULTS[effect.status];
    const e = entraError(effect.status, error, code, text, reqId);
    return effect.status === 500 ? e : new RawHttpError(e.status, e.contentType, e.payload, { "Retry-After": String(effect.retryAfterSeconds) });
  }
  if (effect.status === 429) return MdeErrors.tooManyRequests(100, 60, effect.retryAfterSeconds);
  if (effect.status === 500) return MdeErrors.internal();
  const e = MdeErrors.unavailable();
  return new MdeHttpError(e.status, e.code, e.wireMessage, { "Retry-After": String(effect.retryAfterSeconds) });
}

function errorReply(e: MdeHttpError | RawHttpError, reqId: string): Reply {
  if (e instanceof RawHttpError) return { status: e.status, body: e.payload, contentType: e.contentType, headers: e.headers };
  return { status: e.status, json: e.body(reqId), headers: e.headers };
}

function send(res: ServerResponse, reply: Reply, reqId: string): number {
  const payload = writeHead(res, reply, reqId);
  res.end(payload);
  return reply.status;
}

/** Headers announcing the whole body, then only `afterBytes` of it (default: half), then a dropped connection. */
async function sendPart(res: ServerResponse, req: IncomingMessage, reply: Reply, reqId: string, afterBytes?: number): Promise<"reset"> {
  const payload = writeHead(res, reply, reqId);
  const part = payload.subarray(0, Math.min(payload.length - 1, afterBytes ?? Math.floor(payload.length / 2)));
  await new Promise<void>((resolve) => res.write(part, () => resolve()));
  return destroy(req);
}

/** Writes the status line and headers; returns the body to send. */
function writeHead(res: ServerResponse, reply: Reply, reqId: string): Buffer {
  const payload = reply.json !== undefined ? Buffer.from(JSON.stringify(reply.json)) : Buffer.from(reply.body ?? "");
  res.writeHead(reply.status, {
    "Content-Type": reply.json !== undefined ? "application/json; odata.metadata=minimal; charset=utf-8" : (reply.contentType ?? "text/plain"),
    "Content-Length": payload.length,
    "x-ms-correlation-id": reqId,
    ...reply.headers,
  });
  return payload;
}

/** Drops the connection without a reply, as a network failure would. */
function destroy(req: IncomingMessage): "reset" {
  req.socket.destroy();
  return "reset";
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) throw MdeErrors.invalidRequestBody("The request body is too large");
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

/**
 * The faults of one phase ("before" or "after" the request is processed): counted, their latency
 * waited out, and the status or reset to answer with returned (`undefined`: none).
 */
async function strike(emu: EmulatorCore, phase: "before" | "after", target: { route: string; method: string; path: string }): Promise<FaultEffect | undefined> {
  const decision = emu.faults.decide(phase, target);
  if (decision.effect || decision.latencyMs) emu.counters.fault();
  await delay(decision.latencyMs);
  return decision.effect;
}

/** Injected latency is real time: it models the network, not the service's clock. */
function delay(ms: number): Promise<void> {
  return ms > 0 ? new Promise((r) => setTimeout(r, ms)) : Promise.resolve();
}
