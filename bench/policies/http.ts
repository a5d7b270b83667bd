/**
 * The baselines' HTTP: plain undici against the emulator with a client-credentials token, and
 * waits in emulated time. Deliberately without our client's limiter, retries or adoption: the
 * baselines must behave as the peers they stand for, nothing more.
 */
import * as fs from "node:fs";
import { Agent, request } from "undici";
import { ForensicsError } from "../../provider/util/error";
import type { BenchTarget, MachineOutcome, Policy, PolicyInput } from "./types";

export interface Reply {
  status: number;
  /**
   * Retry-After in emulated seconds, whole as MDE sends it: from the emulator's
   * `x-emulator-retry-after-ms` (Retry-After itself is whole real seconds, too coarse at a high
   * time scale), else Retry-After converted.
   */
  retryAfterS?: number;
  json?: any;
}

export class BaselineHttp {
  private readonly agent: Agent;
  private token?: string;

  /** `connections` caps sockets per origin, so a thousand concurrent tasks do not cost a thousand TLS handshakes. */
  constructor(
    private readonly target: BenchTarget,
    connections = 50,
  ) {
    this.agent = new Agent({ connect: { ca: fs.readFileSync(target.caFile) }, connections });
  }

  /** One token for the run, as both peers keep theirs for the whole job. */
  async signIn(): Promise<void> {
    const t = this.target;
    const body = new URLSearchParams({
      grant_type: "client_credentials",
      client_id: t.clientId,
      client_secret: t.clientSecret,
      scope: "https://api.securitycenter.microsoft.com/.default",
    }).toString();
    const r = await request(`${t.authorityHost}/${t.tenantId}/oauth2/v2.0/token`, {
      method: "POST",
      body,
      headers: { "content-type": "application/x-www-form-urlencoded" },
      dispatcher: this.agent,
    });
    const json = (await r.body.json()) as { access_token?: string };
    if (r.statusCode !== 200 || !json.access_token) throw new Error(`token request failed with ${r.statusCode}`);
    this.token = json.access_token;
  }

  /** An API call (`/api/...` path) or a download (absolute URL, no bearer). */
  async call(method: "GET" | "POST", pathOrUrl: string, body?: unknown): Promise<Reply> {
    const absolute = /^https?:/.test(pathOrUrl);
    const r = await request(absolute ? pathOrUrl : `${this.target.apiUrl}${pathOrUrl}`, {
      method,
      dispatcher: this.agent,
      headers: {
        ...(absolute ? {} : { authorization: `Bearer ${this.token}` }),
        ...(body === undefined ? {} : { "content-type": "application/json" }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const retryAfter = r.headers["retry-after"];
    const emulatedMs = r.headers["x-emulator-retry-after-ms"];
    const retryAfterS =
      emulatedMs !== undefined ? Math.ceil(Number(emulatedMs) / 1000) : retryAfter !== undefined ? Number(retryAfter) * this.target.timeScale : undefined;
    const reply: Reply = { status: r.statusCode, retryAfterS };
    if (absolute) {
      // A download: the bytes are read (and dropped), as a peer would write them somewhere.
      for await (const _ of r.body) void _;
    } else {
      reply.json = await r.body.json().catch(() => undefined);
    }
    return reply;
  }

  async close(): Promise<void> {
    await this.agent.close();
  }
}

export class StoppedAtDeadline extends ForensicsError {
  override name = "StoppedAtDeadline";
  constructor() {
    super("stopped at the run's deadline");
  }
}

/** Sleeps `emulatedMs` of the emulator's time; rejects with {@link StoppedAtDeadline} when `signal` aborts. */
export function sleepEmulated(emulatedMs: number, timeScale: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(new StoppedAtDeadline());
    const onAbort = () => {
      clearTimeout(timer);
      reject(new StoppedAtDeadline());
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, Math.max(0, emulatedMs) / timeScale);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

/** A seeded PRNG (mulberry32), so jitter is the same from one run to the next. */
export function seededRandom(seed: string): () => number {
  let h = 1779033703 ^ seed.length;
  for (let i = 0; i < seed.length; i++) h = Math.imul(h ^ seed.charCodeAt(i), 3432918353), (h = (h << 13) | (h >>> 19));
  let a = h >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * A baseline signs in during `prepare` (outside the timed run, as a long-lived integration would
 * have) and uses that session in `run`.
 */
const sessions = new WeakMap<PolicyInput, BaselineHttp>();

export async function signIn(input: PolicyInput): Promise<void> {
  const http = new BaselineHttp(input.target);
  await http.signIn();
  sessions.set(input, http);
}

export function sessionOf(input: PolicyInput): BaselineHttp {
  const http = sessions.get(input);
  if (!http) throw new Error("prepare() first");
  return http;
}

/** A baseline policy: what it does with the session it signed in with (in `prepare`), closed when the run ends. */
export interface BaselineRun {
  id: string;
  label: string;
  run(input: PolicyInput, http: BaselineHttp): Promise<MachineOutcome[]>;
}

export function baselinePolicy(baseline: BaselineRun): Policy {
  return {
    id: baseline.id,
    label: baseline.label,
    prepare: signIn,
    async run(input) {
      const http = sessionOf(input);
      try {
        return await baseline.run(input, http);
      } finally {
        await http.close();
      }
    },
  };
}

/** A machine whose work ended in an error; one the deadline stopped is unfinished rather than failed. */
export function failedOutcome(machineId: string, actionId: string | undefined, err: unknown, input: PolicyInput): MachineOutcome {
  return { machineId, ok: false, actionId, error: (err as Error).message, finishedMs: input.now(), unfinished: err instanceof StoppedAtDeadline };
}
