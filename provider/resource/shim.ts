/**
 * The provider objects Pulumi serializes into every resource's state. They hold no code of ours
 * but a loader: each method `require`s the provider (collectionProvider.ts, the sweep's
 * sweepProvider.ts) from the installed package when it runs, so state stays a few hundred bytes per resource, does not change when our code changes
 * (no spurious diffs), and old resources run current code on refresh and destroy.
 *
 * Rules for this file (the closure serializer walks it): no value imports, no module-level
 * values captured, `require` inside functions only. What a shim captures is its own entry and
 * export name, the arguments of `installedProviderShim`, stored once per resource.
 *
 * Those two strings are in every user's state, so they are a contract: the package keeps the
 * `provider-runtime` and `sweep-runtime` entries (package.json `exports`) and the export names
 * `collectionProvider` and `sweepProvider` for as long as old state may run
 * (test/layout/packageExports.test.ts).
 */
import type * as pulumi from "@pulumi/pulumi";

/**
 * A provider whose every method runs `exportName` of the package entry `entry`, resolved from
 * the Pulumi project folder the provider host runs in. One loader for both resources.
 */
export function installedProviderShim(entry: string, exportName: string): pulumi.dynamic.ResourceProvider {
  function installed(): pulumi.dynamic.ResourceProvider {
    const { createRequire } = require("node:module");
    const { join } = require("node:path");
    const from = createRequire(join(process.cwd(), "__pulumi_program__.js"));
    try {
      return from(entry)[exportName];
    } catch (err) {
      throw new Error(
        `cannot load pulumi-mde-forensics from ${process.cwd()}: install it in the Pulumi project (npm install pulumi-mde-forensics). ${String(err)}`,
      );
    }
  }
  return {
    configure: (req) => installed().configure!(req),
    check: (olds, news) => installed().check!(olds, news),
    diff: (id, olds, news) => installed().diff!(id, olds, news),
    create: (inputs) => installed().create(inputs),
    read: (id, props) => installed().read!(id, props),
    update: (id, olds, news) => installed().update!(id, olds, news),
    delete: (id, props) => installed().delete!(id, props),
  };
}

/** The single collection's shim: loads collectionProvider.ts through the package's `provider-runtime` entry. */
export const collectionShim = installedProviderShim("pulumi-mde-forensics/provider-runtime", "collectionProvider");
