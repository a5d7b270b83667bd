/**
 * What the two provider runtimes (the collection's runtime.ts and the sweep's) share: `configure`
 * keeps the stack config for the runtime's later calls, which read it through `stackConfig`.
 *
 * The config is kept in the process's registry (../util/registry.ts), per runtime: the provider
 * host calls `configure` once per provider and process, then the other methods, each time on
 * the single copy of the runtime its shim loaded.
 */
import type * as pulumi from "@pulumi/pulumi";
import { processSingleton, replaceSingleton } from "../util/registry";
import type { ConfigReader } from "./contextFactory";

/** What Pulumi hands a dynamic provider: untyped maps, parsed before use. */
export type Untyped = Record<string, unknown>;

/** The registry namespace of the stack configs, one per runtime name. */
const STACK_CONFIG = "stack-config";

/** Before `configure` (tests, the bench calling methods directly): no stack config at all. */
const NO_CONFIG: ConfigReader = () => undefined;

/**
 * A runtime named `name` (its registry key): `methods` receives the stack config reader, valid
 * once the host has called `configure`.
 */
export function providerRuntime(name: string, methods: (stackConfig: ConfigReader) => Omit<pulumi.dynamic.ResourceProvider, "configure">): pulumi.dynamic.ResourceProvider {
  return {
    async configure(req: pulumi.dynamic.ConfigureRequest) {
      replaceSingleton<ConfigReader>(STACK_CONFIG, name, (key) => req.config.get(key));
    },
    ...methods((key) => processSingleton(STACK_CONFIG, name, () => NO_CONFIG)(key)),
  };
}
