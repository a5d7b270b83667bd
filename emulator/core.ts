/**
 * The emulator's parts wired together, independent of HTTP: handlers receive this object and
 * nothing else, so tests (and a future transport) can swap any part. Built from options in one
 * place so the order of dependencies (scenario → seed → store → keys) is visible. Routes are
 * not a part: the server compiles them (server/server.ts), so nothing here imports a handler.
 */
import { join } from "node:path";
import type { Clock } from "../provider/util/clock";
import { resolveConfig, type EmulatorOptions, type ResolvedConfig } from "./config";
import { Counters } from "./server/counters";
import { defaultScenario } from "./scenario/defaultScenario";
import { FaultInjector } from "./scenario/faults";
import { PackageLinks } from "./packages/packageLinks";
import { PackageBuilder } from "./packages/packages";
import { AtomicJsonFile } from "./persistence/persistence";
import { mergeQuotas, QuotaTracker, type QuotaConfig } from "./server/quotas";
import { loadScenarioFile, resolveScenario, type Scenario } from "./scenario/scenario";
import { IssuerKeys } from "./authentication/issuerKeys";
import { ActionSteering } from "./persistence/steering";
import { Store } from "./persistence/store";
import { TokenSigner } from "./authentication/tokens";

export interface EmulatorCore {
  config: ResolvedConfig;
  scenario: Scenario;
  clock: Clock;
  /** Emulated seconds per real second, for converting waits a client must sit out. */
  timeScale: number;
  store: Store;
  signer: TokenSigner;
  /** Keys of the issuers federated credentials trust. */
  issuerKeys: IssuerKeys;
  quotaConfig: QuotaConfig;
  quotas: QuotaTracker;
  faults: FaultInjector;
  /** Holds and end commands a test gives actions (control endpoint). */
  steering: ActionSteering;
  counters: Counters;
  packages: PackageBuilder;
  links: PackageLinks;
}

export function createCore(options: EmulatorOptions): EmulatorCore {
  const scenario =
    typeof options.scenario === "string" ? loadScenarioFile(options.scenario) : resolveScenario(options.scenario ?? defaultScenario());
  const file = options.dataDir ? new AtomicJsonFile(join(options.dataDir, "state"), options.persistenceHooks) : undefined;
  const config = resolveConfig(options, Store.resumeTime(file));
  const store = new Store(scenario, config.seed, config.clock.now(), file, (msg) => config.log(`warning: ${msg}`));
  // The persisted seed wins over the option, so a restarted emulator keeps its id series and package bytes.
  const seed = store.seed;
  const quotaConfig = mergeQuotas(scenario.quotas, options.quotas);
  return {
    config,
    scenario,
    clock: config.clock,
    timeScale: config.timeScale,
    store,
    signer: new TokenSigner(config.dataDir ? join(config.dataDir, "keys") : undefined),
    issuerKeys: new IssuerKeys(options.trustedCaFiles),
    quotaConfig,
    quotas: new QuotaTracker(quotaConfig),
    faults: new FaultInjector(seed, options.faults ?? [], config.clock),
    steering: new ActionSteering(store, scenario, config.clock),
    counters: new Counters(),
    packages: new PackageBuilder(seed, scenario),
    links: new PackageLinks(store.linkKey),
  };
}
