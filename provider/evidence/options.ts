/**
 * What an evidence handler is built from, with named defaults.
 *
 * Why these defaults: Microsoft documents the package link only as "valid for a short time"
 * (mde-api.md §5); 10 minutes is what the emulator uses and a cautious guess, so a link older
 * than that is replaced rather than tried. Each new link costs one of 2 GetPackageUri calls a
 * minute, hence few of them; download retries only cost bandwidth, hence a few more.
 */
import type { Dispatcher } from "undici";
import { proxyAwareDispatcher } from "../api/proxy";
import type { CollectionApi } from "../api/collectionApi";
import { type Clock, systemClock } from "../util/clock";
import { PACKAGE_NAME, packageVersion } from "../util/packageInfo";
import { drainSingletons, processSingleton } from "../util/registry";
import { type FetchQueue, sharedFetchQueue } from "./fetchQueue";
import type { SigningKeySource } from "./signingKey";
import { InvalidArgumentError } from "../util/error";

export interface EvidenceHandlerOptions {
  /** Only GetPackageUri is used; the real client's limiter paces it (2/min, 120/h). */
  api: Pick<CollectionApi, "getPackageUri">;
  /** The MDE API the client talks to; only its origin is recorded (e.g. `https://api.security.microsoft.com`). */
  apiOrigin: string;
  /** Entra tenant of the client's settings; recorded in the manifest. @default null */
  tenantId?: string | null;
  /** @default systemClock */
  clock?: Clock;
  /** One line per event for `pulumi up`; lines are redacted first. @default no output */
  log?: (line: string) => void;
  /** @default "pulumi-mde-forensics" */
  toolName?: string;
  /** @default this package's version (packageInfo) */
  toolVersion?: string;
  /** undici dispatcher for the storage host. @default the process's storage Agent, created on first use */
  dispatcher?: Dispatcher;
  /** @default the process-wide queue (fetchQueue.ts) */
  queue?: FetchQueue;
  /** Who handled the evidence, for custody records. @default `<os user>@<host>` */
  operator?: string;
  /** A link older than this is replaced before use. @default 600 000 (10 min) */
  linkLifetimeMs?: number;
  /** @default 5 */
  maxDownloadAttempts?: number;
  /** GetPackageUri calls per package, the first included. @default 3 */
  maxLinkRequests?: number;
  /** First retry delay after a dropped or short download; doubles each time. @default 2 000 */
  retryBaseDelayMs?: number;
  /** @default 30 000 */
  retryMaxDelayMs?: number;
  /** @default 60 000 */
  headersTimeoutMs?: number;
  /**
   * Signs manifests and the custody head (Ed25519 or ECDSA P-256). Loaded lazily, at the first
   * pre-flight, so a bad key fails before anything is collected. @default unsigned
   */
  signingKey?: SigningKeySource;
  /** Trusted time (RFC 3161): the log is stamped after each package is kept. @default none */
  timestamp?: import("./timestamp/client").TimestampSettings;
  /** The Azure credential for blob destinations: the same chain as MDE's. @default none (blob destinations fail) */
  blobCredential?: () => import("@azure/identity").TokenCredential;
  /** Opens a `.partial` file for one writer. @default exclusive create (O_EXCL), mode 0600 */
  openPartial?: (path: string) => Promise<import("node:fs/promises").FileHandle>;
  /** Longest silence between two chunks of the body. @default 60 000 */
  bodyTimeoutMs?: number;
  /**
   * Test hook: called with the name of each durable step of keeping evidence (`keep:<step>`,
   * `custody:<event>:<step>`), so kill-point tests can stop the writer exactly there. @default none
   */
  onStep?: (step: string) => void;
}

const SECOND_MS = 1_000;

export const DEFAULT_EVIDENCE_OPTIONS = {
  linkLifetimeMs: 10 * 60 * SECOND_MS,
  maxDownloadAttempts: 5,
  maxLinkRequests: 3,
  retryBaseDelayMs: 2 * SECOND_MS,
  retryMaxDelayMs: 30 * SECOND_MS,
  headersTimeoutMs: 60 * SECOND_MS,
  bodyTimeoutMs: 60 * SECOND_MS,
} as const;

export type ResolvedEvidenceOptions = Required<Omit<EvidenceHandlerOptions, "tenantId" | "operator" | "dispatcher" | "openPartial" | "signingKey" | "blobCredential" | "timestamp" | "onStep">> & {
  onStep(step: string): void;
  blobCredential?: EvidenceHandlerOptions["blobCredential"];
  signingKey?: SigningKeySource;
  timestamp?: EvidenceHandlerOptions["timestamp"];
  tenantId: string | null;
  operator?: string;
  openPartial?: EvidenceHandlerOptions["openPartial"];
  /** Resolved at download time, so a handler that never downloads never opens an Agent. */
  dispatcher(): Dispatcher;
};

/** Merges defaults, checks numbers, and reduces `apiOrigin` to an origin. */
export function resolveEvidenceOptions(o: EvidenceHandlerOptions): ResolvedEvidenceOptions {
  const merged = { ...DEFAULT_EVIDENCE_OPTIONS, ...withoutUndefined(o) };
  for (const key of Object.keys(DEFAULT_EVIDENCE_OPTIONS) as (keyof typeof DEFAULT_EVIDENCE_OPTIONS)[]) {
    const v = merged[key];
    if (typeof v !== "number" || !Number.isFinite(v) || v < (key.startsWith("max") ? 1 : 0)) {
      throw new InvalidArgumentError(`evidence option ${key} must be a ${key.startsWith("max") ? "positive integer" : "non-negative number"}, got ${String(v)}`);
    }
  }
  let apiOrigin: string;
  try {
    apiOrigin = new URL(o.apiOrigin).origin;
  } catch {
    throw new InvalidArgumentError("evidence option apiOrigin must be the MDE API URL, e.g. https://api.security.microsoft.com");
  }
  return {
    ...merged,
    api: o.api,
    apiOrigin,
    tenantId: o.tenantId ?? null,
    clock: o.clock ?? systemClock,
    log: o.log ?? (() => undefined),
    toolName: o.toolName ?? PACKAGE_NAME,
    toolVersion: o.toolVersion ?? packageVersion(),
    dispatcher: () => o.dispatcher ?? defaultDispatcher(),
    queue: o.queue ?? sharedFetchQueue(),
    onStep: o.onStep ?? (() => undefined),
  };
}

/**
 * The storage host gets its own Agent (not the MDE client's): different host, long transfers.
 * One per process, in the registry (../util/registry.ts), shared by every handler.
 */
function defaultDispatcher(): Dispatcher {
  // Honours HTTPS_PROXY / NO_PROXY like the MDE calls (api/proxy.ts).
  return processSingleton("evidence-dispatcher", "storage", () => proxyAwareDispatcher({ connections: 4, keepAliveTimeout: 4_000, connectTimeout: 30_000 }));
}

/** Closes the default Agent, if one was created (tests, or a host shutting down). */
export async function closeDefaultEvidenceDispatcher(): Promise<void> {
  await Promise.all(drainSingletons<Dispatcher>("evidence-dispatcher").map((agent) => agent.close()));
}

function withoutUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
