/**
 * Test harness: starts the emulator in-process on port 0 (manual clock unless told otherwise)
 * and talks real HTTPS to it with undici, trusting only the emulator's CA. The CA is created
 * once per test file and shared through `tlsDir`, to keep openssl off the hot path.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Agent, request } from "undici";
import { ErrorBodySchema } from "../../provider/api/schemas";
import { startEmulator, type EmulatorHandle, type EmulatorOptions } from "../../emulator";
import { DEFAULT_CLIENT_SECRET } from "../../emulator/scenario/defaultScenario";

export const sharedTlsDir = mkdtempSync(join(tmpdir(), "mde-emu-test-tls-"));
afterAll(() => rmSync(sharedTlsDir, { recursive: true, force: true }));

export interface Response {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  bytes: Buffer;
  json: any;
}

export interface Harness {
  emu: EmulatorHandle;
  agent: Agent;
  /** Lines the emulator logged (warnings, internal errors; the access log when not quiet). */
  logs: string[];
  call(method: string, path: string, opts?: { token?: string | null; body?: unknown; headers?: Record<string, string> }): Promise<Response>;
  /** A token for `clientId` (default app) from the emulator's token endpoint. */
  token(clientId?: string, secret?: string): Promise<string>;
  /** Forgets cached tokens (after the clock moved past their expiry). */
  forgetTokens(): void;
  close(): Promise<void>;
}

export async function startHarness(options: EmulatorOptions = {}): Promise<Harness> {
  const logs: string[] = [];
  const emu = await startEmulator({ clock: "manual", quiet: true, tlsDir: sharedTlsDir, logger: (l) => logs.push(l), ...options });
  const agent = new Agent({ connect: { ca: readFileSync(emu.caFile) } });
  const tokens = new Map<string, string>();
  const call: Harness["call"] = async (method, path, opts = {}) => {
    const headers: Record<string, string> = { ...opts.headers };
    if (opts.token) headers.authorization = `Bearer ${opts.token}`;
    let body: string | undefined;
    if (opts.body !== undefined) {
      body = typeof opts.body === "string" ? opts.body : JSON.stringify(opts.body);
      headers["content-type"] ??= "application/json";
    }
    const res = await request(path.startsWith("http") ? path : `${emu.apiUrl}${path}`, { method: method as "GET", headers, body, dispatcher: agent });
    const bytes = Buffer.from(await res.body.arrayBuffer());
    const text = bytes.toString("utf8");
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
    return { status: res.statusCode, headers: res.headers, text, bytes, json };
  };
  const token: Harness["token"] = async (clientId = emu.clientId, secret = DEFAULT_CLIENT_SECRET) => {
    const key = `${clientId}:${secret}`;
    const cached = tokens.get(key);
    if (cached) return cached;
    const form = new URLSearchParams({ grant_type: "client_credentials", client_id: clientId, client_secret: secret, scope: "https://api.securitycenter.microsoft.com/.default" });
    const res = await call("POST", `/${emu.tenantId}/oauth2/v2.0/token`, { body: form.toString(), headers: { "content-type": "application/x-www-form-urlencoded" } });
    if (res.status !== 200) throw new Error(`token: ${res.status} ${res.text}`);
    tokens.set(key, res.json.access_token);
    return res.json.access_token;
  };
  return {
    emu,
    agent,
    logs,
    call,
    token,
    forgetTokens: () => tokens.clear(),
    async close() {
      await agent.close();
      await emu.close();
    },
  };
}

/** A fresh emulator and a token of its default app: what most suites start each test with. */
export async function startWithToken(options: EmulatorOptions = {}): Promise<{ h: Harness; token: string }> {
  const h = await startHarness(options);
  return { h, token: await h.token() };
}

/** An MDE error reply: `status`, the documented `code`, and the request's correlation id as `target`. */
export function expectMdeError(res: { status: number; json: any; headers: any }, status: number, code: string): void {
  expect(res.status).toBe(status);
  expect(ErrorBodySchema.parse(res.json).error.code).toBe(code);
  expect(res.json.error.target).toBe(res.headers["request-id"]);
}

/** Decodes a JWT payload without checking it. */
export function jwtPayload(token: string): Record<string, any> {
  return JSON.parse(Buffer.from(token.split(".")[1], "base64url").toString("utf8"));
}
