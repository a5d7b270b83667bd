/**
 * Reports where a Pulumi program and its dynamic-provider host run: the program's
 * process.cwd() directly, the provider host's through a resource it creates.
 */
import * as pulumi from "@pulumi/pulumi";

const provider: pulumi.dynamic.ResourceProvider = {
  async create() {
    return { id: "probe", outs: { cwd: process.cwd() } };
  },
};

class CwdProbe extends pulumi.dynamic.Resource {
  declare readonly cwd: pulumi.Output<string>;
  constructor(name: string) {
    super(provider, name, { cwd: undefined }, undefined, "probe", "CwdProbe");
  }
}

export function probe(): { programCwd: string; providerCwd: pulumi.Output<string> } {
  return { programCwd: process.cwd(), providerCwd: new CwdProbe("probe").cwd };
}
