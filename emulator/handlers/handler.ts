/**
 * What a handler is: a function from one request's context to a reply, the contract every route
 * of the emulator implements (the MDE API's here, Entra's in authentication/, the package
 * download in packages/). It lives with the handlers, as Azurite's handler interfaces do, so a
 * handler depends on this file and the core, never on the server that routes to it: the server
 * depends on the handlers, not the other way round.
 */
import type { IncomingHttpHeaders } from "node:http";
import type { EmulatorCore } from "../core";

/** The caller a bearer token proved (authentication/auth.ts). */
export interface Principal {
  tenantId: string;
  clientId: string;
  /** The app's display name: MDE shows it as `requestor` for app-context calls. */
  appName: string;
  roles: string[];
}

export interface RequestContext {
  reqId: string;
  method: string;
  /** Normalised path (no `/v1.0`, no trailing slash). */
  path: string;
  params: Record<string, string>;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  body: Buffer;
  nowMs: number;
  /** `https://host:port` as the client reached us. */
  baseUrl: string;
  principal?: Principal;
  emu: EmulatorCore;
}

export interface Reply {
  status: number;
  json?: unknown;
  body?: Buffer | string;
  contentType?: string;
  headers?: Record<string, string>;
}

export type Handler = (ctx: RequestContext) => Reply | Promise<Reply>;
