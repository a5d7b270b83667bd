import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { type EmulatorHandle, type EmulatorOptions, startEmulator } from "../../emulator";
import { caBundleWith } from "../../scripts/lib/caBundle";
import { REPO_ROOT, StackCli, type StackCliResult } from "./stackCli";
import { emulatorStackConfig } from "../../scripts/lib/emulatorConfig";

export const COLLECTIONS_PROJECT = path.join(REPO_ROOT, "test/engine/projects/collections");

/** The JSON result of a started operation that must succeed (`StackCli.ok` for `start`). */
export async function succeeded(run: { done: Promise<StackCliResult> }, operation = "operation"): Promise<any> {
  const r = await run.done;
  if (r.code !== 0) throw new Error(`${operation} failed (exit ${r.code}):\n${r.stderr.slice(-4000)}`);
  return r.result;
}

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
    // A developer's HTTPS_PROXY must not catch the loopback emulator (the provider honours it).
    const noProxy = [process.env.NO_PROXY ?? process.env.no_proxy, "127.0.0.1", "localhost"].filter(Boolean).join(",");
    return new EmulatedTenant(emulator, dir, { NODE_EXTRA_CA_CERTS: caBundleWith(emulator.caFile, dir), NO_PROXY: noProxy, no_proxy: noProxy }, options.timeScale);
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

  /** Times a client read the action's status (get or list). */
  actionReads(actionId: string): number {
    return this.emulator.counters().actionReads[actionId] ?? 0;
  }

  /**
   * Waits until `probe` returns something other than `undefined`/`false`, checking every 50 ms.
   * What it waits for is commanded through the emulator (a held action cannot finish meanwhile),
   * so the deadline is only a backstop for a broken run, never part of what the test asserts.
   */
  async waitFor<T>(what: string, probe: () => T | undefined | false, deadlineMs = 600_000): Promise<T> {
    const end = Date.now() + deadlineMs;
    for (;;) {
      const value = probe();
      if (value !== undefined && value !== false) return value;
      if (Date.now() > end) throw new Error(`waited ${deadlineMs / 1000} s for ${what}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  /** Waits until a client has read the (held) action more than `after` times: it has seen it running. */
  async seen(actionId: string, after = 0): Promise<void> {
    await this.waitFor(`a client to read action ${actionId}`, () => this.actionReads(actionId) > after);
  }

  /** The machine's one collection once a client has read it; fails if there are more. */
  async seenCollection(machineId: string): Promise<string> {
    return this.waitFor(`a collection on ${machineId} that a client has read`, () => {
      const all = this.emulator.actions.ofMachine(machineId);
      if (all.length > 1) throw new Error(`${all.length} collections on ${machineId}, expected one`);
      return all.length === 1 && this.actionReads(all[0].id) > 0 ? all[0].id : undefined;
    });
  }

  /**
   * Removes the stacks' private backends and stops the emulator. No `pulumi destroy` per stack:
   * one costs a CLI run (tens of seconds on a loaded machine) and asserts nothing here; destroy
   * itself is tested where it is the point (engine/smoke, engine/resilience, the demo).
   */
  async close(): Promise<void> {
    for (const s of this.stacks) s.dispose();
    await this.emulator.close();
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}
