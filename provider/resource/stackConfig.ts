/**
 * The stack config both providers read (the collection's collectionProvider.ts and the sweep's
 * sweepProvider.ts): `configure` keeps it, and their other methods read it through the
 * `ConfigReader` they are built with.
 *
 * The config is kept in the process's registry (../util/registry.ts), per provider: the provider
 * host calls `configure` once per provider and process, then the other methods, each time on
 * the single copy of the provider its shim loaded.
 */
import type * as pulumi from "@pulumi/pulumi";
import { processSingleton, replaceSingleton } from "../util/registry";

/** Reads a stack config key with its namespace, e.g. `mde:apiUrl`. */
export type ConfigReader = (key: string) => string | undefined;

/** What Pulumi hands a dynamic provider: untyped maps, parsed before use. */
export type Untyped = Record<string, unknown>;

/** Before `configure` (tests, the bench calling methods directly): no stack config at all. */
const NO_CONFIG: ConfigReader = () => undefined;

/**
 * A provider named `name` (its key in the registry) whose `configure` keeps the stack config:
 * `methods` receives the reader, valid once the host has called `configure`.
 */
export function withStackConfig(name: string, methods: (stackConfig: ConfigReader) => Omit<pulumi.dynamic.ResourceProvider, "configure">): pulumi.dynamic.ResourceProvider {
  return {
    async configure(req: pulumi.dynamic.ConfigureRequest) {
      replaceSingleton<ConfigReader>("stack-config", name, (key) => req.config.get(key));
    },
    ...methods((key) => processSingleton("stack-config", name, () => NO_CONFIG)(key)),
  };
}
