/**
 * The provider object Pulumi serializes into the sweep's state: a loader, no code of ours (see
 * provider/resource/shim.ts for why and for the rules of such a file). Stored once per sweep.
 */
import type * as pulumi from "@pulumi/pulumi";

function runtime(): pulumi.dynamic.ResourceProvider {
  const { createRequire } = require("node:module");
  const { join } = require("node:path");
  const from = createRequire(join(process.cwd(), "__pulumi_program__.js"));
  try {
    return from("pulumi-mde-forensics/sweep-runtime").sweepProvider;
  } catch (err) {
    throw new Error(
      `cannot load pulumi-mde-forensics from ${process.cwd()}: install it in the Pulumi project (npm install pulumi-mde-forensics). ${String(err)}`,
    );
  }
}

export const sweepShim: pulumi.dynamic.ResourceProvider = {
  configure: (req) => runtime().configure!(req),
  check: (olds, news) => runtime().check!(olds, news),
  diff: (id, olds, news) => runtime().diff!(id, olds, news),
  create: (inputs) => runtime().create(inputs),
  read: (id, props) => runtime().read!(id, props),
  update: (id, olds, news) => runtime().update!(id, olds, news),
  delete: (id, props) => runtime().delete!(id, props),
};
