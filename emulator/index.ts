/**
 * The emulator's public face: `startEmulator(options)` starts a local, faithful Defender for
 * Endpoint API (with Entra-like token endpoints) on an HTTPS port and returns what a client
 * needs to connect, plus handles for tests. Also exported as the package's `./emulator` entry.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Clock } from "../provider/util/clock";
import { ForensicsError } from "../provider/util/error";
import { ensureTls } from "./server/certs";
import type { EmulatorOptions } from "./config";
import { createCore } from "./core";
import type { CountersSnapshot } from "./server/counters";
import type { FaultRule, FaultRuleInput } from "./scenario/faults";
import { isAdvanceable } from "./util/manualClock";
import type { PackageInfo } from "./packages/packages";
import type { Scenario } from "./scenario/scenario";
import { startServer } from "./server/server";
import type { EndStatus, SteeredAction } from "./persistence/steering";

export interface EmulatorHandle {
  /** Base URL of the API: requests go to `${apiUrl}/api/...`. */
  apiUrl: string;
  /** Authority host for @azure/identity (`authorityHost`, with `disableInstanceDiscovery: true`). */
  authorityHost: string;
  /** PEM of the CA that signed the server certificate: trust it (undici `connect.ca`, `NODE_EXTRA_CA_CERTS`). */
  caFile: string;
  /** Tenant, client id and secret of the scenario's first application (the default one). */
  tenantId: string;
  clientId: string;
  clientSecret: string;
  /** `${apiUrl}/_emulator` when the control endpoint is enabled. */
  controlUrl?: string;
  port: number;
  scenario: Scenario;
  clock: Clock;
  counters(): CountersSnapshot;
  resetCounters(): void;
  /** `clear(name)` clears the rules called `name` only, and says whether there was one. */
  faults: { add(rules: FaultRuleInput | FaultRuleInput[]): FaultRule[]; clear(name?: string): boolean; list(): FaultRule[] };
  /** Test commands for one action: stay unfinished until released, or end now (persistence/steering.ts). Throw on an unknown or finished action. */
  actions: {
    hold(actionId: string): SteeredAction;
    release(actionId: string): SteeredAction;
    complete(actionId: string, status: EndStatus, errorHResult?: number): SteeredAction;
    get(actionId: string): SteeredAction | undefined;
    /** The collections of a machine (id or name), newest first. */
    ofMachine(machine: string): SteeredAction[];
  };
  /** Holds every collection a machine (id or name) has or gets until released. */
  machines: { hold(machine: string): SteeredAction[]; release(machine: string): SteeredAction[] };
  /** SHA-256 and size of a Succeeded collection's package; `undefined` otherwise. */
  packageInfo(actionId: string): Promise<PackageInfo | undefined>;
  /** Moves a manual clock forward; throws on a real or scaled clock. */
  advanceClock(ms: number): Promise<void>;
  close(): Promise<void>;
}

export async function startEmulator(options: EmulatorOptions = {}): Promise<EmulatorHandle> {
  const emu = createCore(options);
  const tempTls = options.tlsDir || options.dataDir ? undefined : mkdtempSync(join(tmpdir(), "mde-emulator-tls-"));
  const tls = ensureTls(options.tlsDir ?? (options.dataDir ? join(options.dataDir, "tls") : tempTls!));
  const server = await startServer(emu, tls);
  const app = emu.scenario.apps[0];
  let closed = false;
  return {
    apiUrl: server.baseUrl,
    authorityHost: server.baseUrl,
    caFile: tls.caFile,
    tenantId: app.tenantId,
    clientId: app.clientId,
    clientSecret: app.clientSecret,
    controlUrl: emu.config.control ? `${server.baseUrl}/_emulator` : undefined,
    port: server.port,
    scenario: emu.scenario,
    clock: emu.clock,
    counters: () => emu.counters.snapshot(),
    resetCounters: () => emu.counters.reset(),
    faults: {
      add: (rules) => emu.faults.add(rules),
      clear: (name) => emu.faults.clear(name),
      list: () => emu.faults.list(),
    },
    actions: {
      hold: (id) => emu.steering.hold(id),
      release: (id) => emu.steering.release(id),
      complete: (id, status, errorHResult) => emu.steering.complete(id, status, errorHResult),
      get: (id) => {
        const action = emu.store.actionById(id);
        return action && emu.steering.view(action);
      },
      ofMachine: (machine) => emu.steering.collections(machine),
    },
    machines: {
      hold: (machine) => emu.steering.holdMachine(machine),
      release: (machine) => emu.steering.releaseMachine(machine),
    },
    async packageInfo(actionId) {
      const action = emu.store.actionById(actionId);
      if (!action || emu.store.stateOf(action, emu.clock.now()).status !== "Succeeded") return undefined;
      return emu.packages.info(action);
    },
    async advanceClock(ms) {
      if (!isAdvanceable(emu.clock)) throw new ForensicsError("advanceClock needs a manual clock (options.clock: \"manual\")");
      await emu.clock.advance(ms);
    },
    async close() {
      if (closed) return;
      closed = true;
      await server.close();
      await emu.issuerKeys.close();
      emu.store.checkpoint(emu.clock.now());
      if (tempTls) rmSync(tempTls, { recursive: true, force: true });
    },
  };
}

export type { EmulatorOptions } from "./config";
export type { CountersSnapshot } from "./server/counters";
export type { FaultRule, FaultRuleInput } from "./scenario/faults";
export type { PackageInfo } from "./packages/packages";
export type { EndStatus, SteeredAction } from "./persistence/steering";
export type { Scenario } from "./scenario/scenario";
export type { ScenarioInput } from "./scenario/scenarioSchema";
export { ManualClock } from "./util/manualClock";
export { generateFleet } from "./scenario/fleet";
export { loadScenarioFile, parseScenarioText, resolveScenario, ScenarioError } from "./scenario/scenario";
export { DEFAULT_QUOTAS } from "./server/quotas";
export * from "./scenario/defaultScenario";
