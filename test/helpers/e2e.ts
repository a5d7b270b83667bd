import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { type EmulatorHandle, type EmulatorOptions, startEmulator } from "../../emulator";
import { caBundleWith } from "../../scripts/lib/caBundle";
import { REPO_ROOT, StackCli } from "./stackCli";
import { emulatorStackConfig } from "../../scripts/lib/emulatorConfig";

export const COLLECTIONS_PROJECT = path.join(REPO_ROOT, "test/engine/projects/collections");

/**
 * An emulator plus what a Pulumi run needs to reach it: a CA bundle for the provider host
 * (the environment's bundle with the emulator's CA appended) and the `mde:*` stack config.
 */
export class EmulatedTenant {
  private constructor(
    readonly emulator: EmulatorHandle,
    readonly dir: string,
    readonly env: Record<string, string>,
    readonly timeScale: number,
  ) {}

  static async start(options: EmulatorOptions & { timeScale: number }): Promise<EmulatedTenant> {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pmf-e2e-"));
    const emulator = await startEmulator({ quiet: true, seed: "e2e", ...options });
    return new EmulatedTenant(emulator, dir, { NODE_EXTRA_CA_CERTS: caBundleWith(emulator.caFile, dir) }, options.timeScale);
  }

  private readonly stacks: StackCli[] = [];

  /** A stack of the collections project whose `collections` config declares the resources; `close` destroys it. */
  stack(name: string, collections: Record<string, Record<string, unknown>>): StackCli {
    const cli = new StackCli(COLLECTIONS_PROJECT, `${name}${process.pid}`, this.env);
    this.configure(cli, collections);
    this.stacks.push(cli);
    return cli;
  }

  configure(cli: StackCli, collections: Record<string, Record<string, unknown>>): void {
    const e = this.emulator;
    cli.setConfig({
      ...emulatorStackConfig(e, this.timeScale),
      "collections-e2e:collections": { value: JSON.stringify(collections) },
    });
  }

  /** API requests the emulator answered, by route (token endpoints excluded). */
  apiRequests(): number {
    const requests = this.emulator.counters().requests as Record<string, Record<string, number>>;
    return Object.entries(requests)
      .filter(([route]) => route.includes("/api/"))
      .reduce((n, [, byStatus]) => n + Object.values(byStatus).reduce((a, b) => a + b, 0), 0);
  }

  collectPosts(machineId: string): number {
    return (this.emulator.counters().collectPosts as Record<string, number>)[machineId] ?? 0;
  }

  async close(): Promise<void> {
    for (const s of this.stacks) {
      await s.run("destroy");
      await s.run("remove");
      s.dispose();
    }
    await this.emulator.close();
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}
