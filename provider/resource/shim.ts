/**
 * The provider objects Pulumi serializes into every resource's state. They hold no code of ours
 * but a loader: each method `require`s a provider runtime from the installed package when it
 * runs, so state stays a few hundred bytes per resource, does not change when our code changes
 * (no spurious diffs), and old resources run current code on refresh and destroy.
 *
 * Rules for this file (the closure serializer walks it): no value imports, no module-level
 * values captured, `require` inside functions only. What a shim captures is its own entry and
 * export name, the arguments of `runtimeShim`, stored once per resource.
 */
import type * as pulumi from "@pulumi/pulumi";

/**
 * A provider whose every method runs `exportName` of the package entry `entry`, resolved from
 * the Pulumi project folder the provider host runs in. One loader for both resources.
 */
export function runtimeShim(entry: string, exportName: string): pulumi.dynamic.ResourceProvider {
  function runtime(): pulumi.dynamic.ResourceProvider {
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
    configure: (req) => runtime().configure!(req),
    check: (olds, news) => runtime().check!(olds, news),
    diff: (id, olds, news) => runtime().diff!(id, olds, news),
    create: (inputs) => runtime().create(inputs),
    read: (id, props) => runtime().read!(id, props),
    update: (id, olds, news) => runtime().update!(id, olds, news),
    delete: (id, props) => runtime().delete!(id, props),
  };
}

/** The single collection's shim: loads runtime.ts through the package's `provider-runtime` entry. */
export const collectionShim = runtimeShim("pulumi-mde-forensics/provider-runtime", "collectionProvider");
