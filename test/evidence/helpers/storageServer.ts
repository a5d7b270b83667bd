/**
 * A loopback stand-in for MDE's package storage host: serves ZIPs at links whose `token` query
 * parameter is the only credential, and misbehaves on request (truncate, reset, 403 expired,
 * corrupt bytes), so the evidence module is tested over real HTTP with undici.
 */
import { randomBytes } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export type Behaviour =
  | "ok"
  /** Announces the full Content-Length, sends half, then drops the connection. */
  | "truncate"
  /** No Content-Length (chunked), sends half, ends cleanly: only ZIP verification notices. */
  | "truncateChunked"
  /** Resets the connection before answering. */
  | "reset"
  /** 403 AuthenticationFailed, as a storage host answers an expired SAS token. */
  | "expired"
  /** 404 BlobNotFound. */
  | "notFound"
  /** 503 with no body. */
  | "unavailable"
  /** 400, which no retry or new link can fix. */
  | "badRequest"
  /** Full length, but one byte in the middle of the data flipped. */
  | "corrupt";

export interface ServedRequest {
  actionId: string;
  token: string;
  behaviour: Behaviour;
}

export class StorageServer {
  readonly packages = new Map<string, Buffer>();
  /** Behaviours for the next requests, consumed in order; then "ok". */
  readonly script: Behaviour[] = [];
  readonly requests: ServedRequest[] = [];
  /** Every token ever issued (to search logs and files for leaks). */
  readonly tokens: string[] = [];
  /** Called when a request arrives, before it is answered (e.g. to move a fake clock). */
  onRequest?: (r: ServedRequest) => void | Promise<void>;
  /** Delay before sending the body, to make overlapping downloads observable. */
  delayMs = 0;
  /** Log of "issued:<actionId>", "start:<actionId>", "end:<actionId>" in order. */
  readonly events: string[] = [];
  private server?: Server;
  private base = "";

  async start(): Promise<this> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve) => this.server!.listen(0, "127.0.0.1", resolve));
    this.base = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  async close(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => this.server?.close(() => resolve()) ?? resolve());
  }

  /** A fresh link for an action, as GetPackageUri would return it. */
  issue(actionId: string): string {
    const token = `tok${randomBytes(12).toString("hex")}`;
    this.tokens.push(token);
    this.events.push(`issued:${actionId}`);
    return `${this.base}/safedownload/WDATP_Investigation_Package.zip?action=${actionId}&token=${token}`;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", this.base);
    const actionId = url.searchParams.get("action") ?? "";
    const token = url.searchParams.get("token") ?? "";
    const behaviour = this.script.shift() ?? "ok";
    const served: ServedRequest = { actionId, token, behaviour };
    this.requests.push(served);
    await this.onRequest?.(served);
    const bytes = this.packages.get(actionId);
    if (!this.tokens.includes(token) || behaviour === "expired") return xml(res, 403, "AuthenticationFailed", "Signature not valid in the specified time frame");
    if (!bytes || behaviour === "notFound") return xml(res, 404, "BlobNotFound", "The specified blob does not exist.");
    if (behaviour === "reset") return void req.socket.resetAndDestroy();
    if (behaviour === "unavailable") return void res.writeHead(503).end();
    if (behaviour === "badRequest") return xml(res, 400, "InvalidQueryParameterValue", "Value for one of the query parameters specified in the request URI is invalid.");
    this.events.push(`start:${actionId}`);
    if (this.delayMs) await new Promise((r) => setTimeout(r, this.delayMs));
    const half = bytes.subarray(0, Math.floor(bytes.length / 2));
    if (behaviour === "truncate") {
      res.writeHead(200, { "content-type": "application/zip", "content-length": bytes.length });
      res.write(half, () => setTimeout(() => req.socket.destroy(), 20));
      return;
    }
    if (behaviour === "truncateChunked") {
      res.writeHead(200, { "content-type": "application/zip" });
      return void res.end(half);
    }
    let body = bytes;
    if (behaviour === "corrupt") {
      body = Buffer.from(bytes);
      body[Math.floor(body.length / 3)] ^= 0xff;
    }
    res.writeHead(200, { "content-type": "application/zip", "content-length": body.length });
    res.end(body, () => this.events.push(`end:${actionId}`));
  }
}

function xml(res: ServerResponse, status: number, code: string, message: string): void {
  const body = `<?xml version="1.0" encoding="utf-8"?><Error><Code>${code}</Code><Message>${message}</Message></Error>`;
  res.writeHead(status, { "content-type": "application/xml", "content-length": Buffer.byteLength(body) });
  res.end(body);
}
