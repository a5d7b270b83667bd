/**
 * Shared fixtures for the client tests: a scriptable loopback HTTP server that records every
 * request, a static token credential, an instant virtual clock for tests that also do real I/O,
 * and wire-format builders (a MachineAction is the emulator's reply: the wire shape is written once).
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import type { AccessToken, TokenCredential } from "@azure/identity";
import { actionEntity } from "../../emulator/wire/entities";
import type { Clock } from "../../provider/util/clock";
import type { MachineActionWire } from "../../provider/api/schemas";
import { resolveSettings, type MdeSettings } from "../../provider/api/settings";
import type { Logger } from "../../provider/util/logger";

export interface Recorded {
  method: string;
  /** Path and query, exactly as sent. */
  url: string;
  pathname: string;
  query: URLSearchParams;
  headers: http.IncomingHttpHeaders;
  body: string;
}

export type Handler = (req: Recorded, res: http.ServerResponse, raw: http.IncomingMessage) => unknown;

export interface TestServer {
  url: string;
  requests: Recorded[];
  close(): Promise<void>;
}

/** Starts `node:http` on 127.0.0.1, port 0. */
export async function startServer(handler: Handler): Promise<TestServer> {
  const requests: Recorded[] = [];
  const server = http.createServer((raw, res) => {
    const chunks: Buffer[] = [];
    raw.on("data", (c: Buffer) => chunks.push(c));
    raw.on("end", () => {
      const parsed = new URL(raw.url ?? "/", "http://127.0.0.1");
      const rec: Recorded = {
        method: raw.method ?? "",
        url: raw.url ?? "",
        pathname: parsed.pathname,
        query: parsed.searchParams,
        headers: raw.headers,
        body: Buffer.concat(chunks).toString("utf8"),
      };
      requests.push(rec);
      Promise.resolve(handler(rec, res, raw)).catch((e: unknown) => {
        res.statusCode = 599;
        res.end(String(e));
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export function json(res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { "content-type": "application/json; charset=utf-8", ...headers });
  res.end(body === undefined ? "" : JSON.stringify(body));
}

export function mdeError(res: http.ServerResponse, status: number, code: string, message: string, headers: Record<string, string> = {}): void {
  json(res, status, { error: { code, message, target: "corr-0001" } }, headers);
}

/** Virtual time that passes instantly: `sleep` advances `now` and resolves on the next turn. */
export class InstantClock implements Clock {
  readonly sleeps: number[] = [];
  constructor(private t = Date.UTC(2026, 0, 1)) {}
  now(): number {
    return this.t;
  }
  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    this.sleeps.push(ms);
    if (signal?.aborted) return Promise.reject(signal.reason);
    this.t += Math.max(0, ms);
    return new Promise((resolve) => setImmediate(resolve));
  }
}

/** A credential handing out `tokens` in order (the last one repeatedly), each valid for an hour. */
export class StaticCredential implements TokenCredential {
  calls = 0;
  constructor(
    private readonly tokens: string[] = ["tok-1"],
    private readonly clock: Clock = { now: () => Date.now(), sleep: async () => undefined },
  ) {}
  async getToken(): Promise<AccessToken> {
    const token = this.tokens[Math.min(this.calls, this.tokens.length - 1)];
    this.calls++;
    return { token, expiresOnTimestamp: this.clock.now() + 3_600_000 };
  }
}

/** Settings pointing at a loopback server, with no credential configured (tests inject one). */
export function settingsFor(url: string, env: Record<string, string> = {}): MdeSettings {
  return resolveSettings({ config: () => undefined, env: { MDE_API_URL: url, ...env } });
}

/** Collects log lines. */
export class MemoryLogger implements Logger {
  readonly lines: string[] = [];
  info(msg: string): void {
    this.lines.push(`info: ${msg}`);
  }
  warn(msg: string): void {
    this.lines.push(`warn: ${msg}`);
  }
}

export const MACHINE_ID = "3d538859b507c85ca5b30614fffe50911de8a9e1";
export const ACTION_ID = "92452beb-ef01-42df-852d-84b34ef83425";
export const COMMENT = "Collect forensics due to alert 1234";

/** The action the client tests talk about, as the emulator stores it. */
const STORED: Parameters<typeof actionEntity>[1] = {
  id: ACTION_ID, tenantId: "72f988bf-86f1-41af-91ab-2d7cd011db47", machineId: MACHINE_ID, computerDnsName: "desktop-01.contoso.com",
  osPlatform: "Windows11", type: "CollectInvestigationPackage", requestor: "My Automation App", requestorComment: COMMENT,
  createdMs: Date.UTC(2026, 0, 1), plan: { pickupMs: null, workMs: 0, timeoutMs: 0, outcome: "Succeeded", errorHResult: 0 },
  packageSizeKiB: null, cancellation: null,
};
/** The real API writes seven fractional digits; the emulator's clock has milliseconds. */
const WIRE_TIME = "2026-01-01T00:00:00.1234567Z";

/**
 * A MachineAction exactly as the real API sends it (mde-api.md §3): the emulator's reply for a
 * Pending collection (emulator/wire/entities.ts, which checks it against the wire schema), with the real
 * API's timestamps.
 */
export function actionWire(overrides: Partial<MachineActionWire> & Record<string, unknown> = {}): Record<string, unknown> {
  const pending = { status: "Pending" as const, lastUpdateMs: STORED.createdMs, errorHResult: 0 };
  const entity = actionEntity("https://api.securitycenter.microsoft.com", STORED, pending);
  return { ...entity, creationDateTimeUtc: WIRE_TIME, lastUpdateDateTimeUtc: WIRE_TIME, ...overrides };
}

export function machineWire(id: string, computerDnsName: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { id, computerDnsName, osPlatform: "Windows11", healthStatus: "Active", onboardingStatus: "Onboarded", machineTags: [], ...extra };
}
