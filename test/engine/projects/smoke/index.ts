/**
 * A trivial dynamic resource whose provider keeps a file per resource: enough to see create,
 * read (refresh) and delete go through the real engine and the real dynamic-provider host.
 */
import * as pulumi from "@pulumi/pulumi";

const provider: pulumi.dynamic.ResourceProvider = {
  async create(inputs) {
    const fs = require("node:fs");
    const path = require("node:path");
    const file = path.join(inputs.dir, `${inputs.name}.txt`);
    fs.writeFileSync(file, inputs.content);
    return { id: file, outs: { ...inputs, path: file, size: Buffer.byteLength(inputs.content) } };
  },
  async read(id, props) {
    const fs = require("node:fs");
    if (!fs.existsSync(id)) return { id: "", props: {} };
    return { id, props: { ...props, content: fs.readFileSync(id, "utf8"), size: fs.statSync(id).size } };
  },
  async delete(id) {
    require("node:fs").rmSync(id, { force: true });
  },
};

class SmokeFile extends pulumi.dynamic.Resource {
  declare readonly path: pulumi.Output<string>;
  declare readonly size: pulumi.Output<number>;
  declare readonly content: pulumi.Output<string>;
  constructor(name: string, args: { dir: string; content: string }, opts?: pulumi.CustomResourceOptions) {
    super(provider, name, { ...args, name, path: undefined, size: undefined }, opts, "smoke", "SmokeFile");
  }
}

const config = new pulumi.Config("smoke");
const file = new SmokeFile("greeting", { dir: config.require("dir"), content: config.require("content") });

export const path = file.path;
export const size = file.size;
export const content = file.content;
