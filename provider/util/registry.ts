/**
 * The one home of process-wide state: every value that must be one per process (not per module
 * copy, resource or call) is kept here, under a namespace and a key, and nowhere else: no
 * module-level `let`, no shared object whose fields callers reassign. A value is created on
 * first use; the only one ever replaced is the stack config each `configure` hands over.
 *
 * Why process-wide: the provider host serves every resource of a `pulumi up` from one process,
 * and what they share is per tenant and app, not per resource: MDE's quotas (the limiters), Entra
 * ID's tokens and the keep-alive connections (the clients), the watcher and the batched adoption
 * pre-check (the provider context), the package fetch queue, the stack config `configure` handed
 * over. Lifetime: from first use to the end of the process; nothing here is persisted.
 *
 * Why on `globalThis` rather than in a module variable: the shims load a single copy of the
 * provider per provider process, but one process can still hold two copies of these modules, e.g.
 * a program whose dependencies install this package twice, or a test runner that loads modules
 * again (jest.isolateModules). A `Symbol.for` key is the one place every copy finds, so a second
 * copy draws from the same quota instead of doubling it.
 *
 * Tests start from an empty registry with {@link resetProcessState}.
 */

/** Bump the suffix if the shape of what is stored changes incompatibly. */
const REGISTRY_KEY = Symbol.for("pulumi-mde-forensics/registry/v1");

/**
 * Every namespace, in one list: what the process holds is read here, not gathered from the
 * modules that use it. The names are shared with other loaded copies of the package (the key
 * above), so renaming one splits what two copies share.
 */
export const REGISTRY_NAMESPACES = [
  /** MDE clients per settings (../api/shared.ts): token cache, keep-alive connections. */
  "clients",
  /** Quota limiters per settings (../api/limiter.ts). */
  "limiters",
  /** Provider contexts per settings (../resource/contextFactory.ts). */
  "provider-context",
  /** Sweep watchers per settings and cadence (../sweep/context.ts). */
  "sweep-watcher",
  /** The stack config `configure` handed over, per provider (../resource/stackConfig.ts). */
  "stack-config",
  /** How many sweeps are summarising quota waits (./quotaWaitLines.ts). */
  "quota-wait-lines",
  /** The scope in which a sweep leaves out the evidence handler's lines (./evidenceProgressLines.ts). */
  "evidence-progress-lines",
  /** Whether the program already warned about unknown `mde:*` keys (../resource/settingsWarnings.ts). */
  "settings-warnings",
  /** The package's own version (./packageInfo.ts). */
  "package-version",
  /** In-process queues of the evidence folder and blob locks (../evidence/fileLock.ts, ../evidence/blob/custody.ts). */
  "evidence-locks",
  /** The package fetch queue (../evidence/fetchQueue.ts). */
  "evidence",
  /** The storage HTTP dispatcher (../evidence/options.ts). */
  "evidence-dispatcher",
] as const;
export type RegistryNamespace = (typeof REGISTRY_NAMESPACES)[number];

type Registry = Map<string, Map<string, unknown>>;

function registry(): Registry {
  const g = globalThis as unknown as Record<symbol, Registry | undefined>;
  let r = g[REGISTRY_KEY];
  if (!r) {
    r = new Map();
    g[REGISTRY_KEY] = r;
  }
  return r;
}

function namespace(name: RegistryNamespace): Map<string, unknown> {
  const r = registry();
  let ns = r.get(name);
  if (!ns) {
    ns = new Map();
    r.set(name, ns);
  }
  return ns;
}

/** Returns the value stored under `namespaceName`/`key`, creating it with `create` the first time. */
export function processSingleton<T>(namespaceName: RegistryNamespace, key: string, create: () => T): T {
  const ns = namespace(namespaceName);
  if (!ns.has(key)) ns.set(key, create());
  return ns.get(key) as T;
}

/** Stores `value` under `namespaceName`/`key`, replacing what was there (e.g. stack config on `configure`). */
export function replaceSingleton<T>(namespaceName: RegistryNamespace, key: string, value: T): void {
  namespace(namespaceName).set(key, value);
}

/** Removes and returns every value of a namespace (used to close shared clients and agents). */
export function drainSingletons<T>(namespaceName: RegistryNamespace): T[] {
  const ns = namespace(namespaceName);
  const values = [...ns.values()] as T[];
  ns.clear();
  return values;
}

/**
 * Forgets every process-wide value, for tests that need a fresh process. It closes nothing:
 * close what holds sockets first (closeSharedClients, closeDefaultEvidenceDispatcher).
 */
export function resetProcessState(): void {
  registry().clear();
}
