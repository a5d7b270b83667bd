/**
 * The provider object Pulumi serializes into every resource's state. It holds no code of ours
 * but a loader: each method `require`s the provider runtime from the installed package when it
 * runs, so state stays a few hundred bytes per resource, does not change when our code changes
 * (no spurious diffs), and old resources run current code on refresh and destroy.
 *
 * Rules for this file (the closure serializer walks it): no value imports, no module-level
 * values captured, `require` inside functions only.
 */
import type * as pulumi from "@pulumi/pulumi";

/** The runtime, resolved from the Pulumi project folder the provider host runs in. */
function runtime(): pulumi.dynamic.ResourceProvider {
  const { createRequire } = require("node:module");
  const { join } = require("node:path");
  const from = createRequire(join(process.cwd(), "__pulumi_program__.js"));
  try {
    return from("pulumi-mde-forensics/provider-runtime").collectionProvider;
  } catch (err) {
    throw new Error(
      `cannot load pulumi-mde-forensics from ${process.cwd()}: install it in the Pulumi project (npm install pulumi-mde-forensics). ${String(err)}`,
    );
  }
}

export const collectionShim: pulumi.dynamic.ResourceProvider = {
  configure: (req) => runtime().configure!(req),
  check: (olds, news) => runtime().check!(olds, news),
  diff: (id, olds, news) => runtime().diff!(id, olds, news),
  create: (inputs) => runtime().create(inputs),
  read: (id, props) => runtime().read!(id, props),
  update: (id, olds, news) => runtime().update!(id, olds, news),
  delete: (id, props) => runtime().delete!(id, props),
};
