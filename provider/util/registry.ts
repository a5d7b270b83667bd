/**
 * Process-wide singletons that survive this package being loaded more than once.
 *
 * A Pulumi dynamic provider host may evaluate our code several times (each serialized provider
 * closure is its own module text), yet MDE's quotas are per tenant and app, not per module copy.
 * A `Symbol.for` key on `globalThis` is the one place every copy can find, so limiters, tokens and
 * clients registered there are shared by every resource in the process.
 */

/** Bump the suffix if the shape of what is stored changes incompatibly. */
const REGISTRY_KEY = Symbol.for("pulumi-mde-forensics/registry/v1");

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

function namespace(name: string): Map<string, unknown> {
  const r = registry();
  let ns = r.get(name);
  if (!ns) {
    ns = new Map();
    r.set(name, ns);
  }
  return ns;
}

/** Returns the value stored under `namespaceName`/`key`, creating it with `create` the first time. */
export function processSingleton<T>(namespaceName: string, key: string, create: () => T): T {
  const ns = namespace(namespaceName);
  if (!ns.has(key)) ns.set(key, create());
  return ns.get(key) as T;
}

/** Removes and returns every value of a namespace (used to close shared clients, and by tests). */
export function drainSingletons<T>(namespaceName: string): T[] {
  const ns = namespace(namespaceName);
  const values = [...ns.values()] as T[];
  ns.clear();
  return values;
}
