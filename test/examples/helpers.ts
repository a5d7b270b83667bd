/**
 * What the example tests share: the `mde:*` config that points a stack at an emulated tenant,
 * and hashing of kept packages.
 */
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { parse } from "yaml";
import { emulatorStackConfig } from "../../scripts/lib/emulatorConfig";
import type { StackConfigValue } from "../../scripts/lib/stackRunner";
import type { EmulatedTenant } from "../helpers/e2e";
import { REPO_ROOT, StackCli } from "../helpers/stackCli";

export const EXAMPLES = path.join(REPO_ROOT, "examples");

export function mdeConfig(tenant: EmulatedTenant): Record<string, StackConfigValue> {
  return emulatorStackConfig(tenant.emulator, tenant.timeScale);
}

/** A checked-in stack file's config (e.g. examples/incident-runbook/Pulumi.incident-2041.yaml) as stack config values. */
export function stackFileConfig(file: string): Record<string, StackConfigValue> {
  const doc = parse(fs.readFileSync(file, "utf8")) as { config?: Record<string, unknown> };
  return Object.fromEntries(
    Object.entries(doc.config ?? {}).map(([key, value]) => [key, { value: typeof value === "string" ? value : JSON.stringify(value) }]),
  );
}

export function sha256File(file: string): string {
  return createHash("sha256").update(fs.readFileSync(file)).digest("hex");
}

/** Stacks a test made, their private backends removed at the end (the evidence stays on disk). */
export class Stacks {
  private readonly all: StackCli[] = [];

  open(project: string, name: string, tenant: EmulatedTenant): StackCli {
    const cli = new StackCli(path.join(EXAMPLES, project), name, tenant.env);
    this.all.push(cli);
    return cli;
  }

  async dispose(): Promise<void> {
    // Private backends, removed without a `pulumi destroy` each (see EmulatedTenant.close).
    for (const s of this.all) s.dispose();
  }
}
