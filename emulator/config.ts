/**
 * The emulator's options, their defaults, and the one place where they are turned into the
 * clock the whole emulator runs on. Time scale semantics: every duration the emulator knows
 * (lifecycle steps, quota windows, token and link lifetimes) is in *emulated* time, measured on
 * this clock; `timeScale` only converts the durations a client must wait in real time
 * (`Retry-After`, `expires_in`) back to real seconds.
 */
import { scaledClock, systemClock, type Clock } from "../provider/util/clock";
import type { FaultRuleInput } from "./scenario/faults";
import { ManualClock } from "./util/manualClock";
import type { AtomicFileHooks } from "./persistence/persistence";
import type { ScenarioInput, QuotaOverrides } from "./scenario/scenarioSchema";
import { InvalidArgumentError } from "../provider/util/error";

export interface EmulatorOptions {
  /** TCP port; 0 picks a free one. @default 0 */
  port?: number;
  /** Interface to bind; only loopback makes sense for a fake with public credentials. @default "127.0.0.1" */
  host?: string;
  /** Keeps TLS files, the token key and the state (actions, id sequence, seed) across restarts. @default in memory + a temp folder for TLS */
  dataDir?: string;
  /** Makes action ids and package bytes reproducible. @default "mde-emulator" */
  seed?: string | number;
  /** Emulated seconds per real second (with the default clock, the clock runs this much faster). @default 1 */
  timeScale?: number;
  /** `"manual"` for a clock that only `POST /_emulator/clock/advance` moves, or any Clock (tests). @default scaledClock(timeScale) */
  clock?: Clock | "manual";
  /** A scenario file (YAML or JSON) or object. @default the built-in default scenario */
  scenario?: string | ScenarioInput;
  /** Serve `/_emulator/...` (counters, faults, packages, clock). @default false */
  control?: boolean;
  /** Faults active from the start. */
  faults?: FaultRuleInput[];
  /** Quota overrides; applied over the scenario's. */
  quotas?: QuotaOverrides;
  /** Receives access-log lines and warnings. @default one line per request on stderr */
  logger?: (line: string) => void;
  /** No access log. @default false */
  quiet?: boolean;
  /** Where TLS files are kept; tests share one to create the CA once. @default `<dataDir>/tls`, else a temp folder */
  tlsDir?: string;
  /** CA certificates (PEM files) to trust when fetching a federated credential issuer's keys (a local OIDC issuer). */
  trustedCaFiles?: string[];
  /** Test hook: simulate a crash between writing and renaming the state file. */
  persistenceHooks?: AtomicFileHooks;
}

export interface ResolvedConfig {
  port: number;
  host: string;
  dataDir?: string;
  seed: string;
  timeScale: number;
  clock: Clock;
  control: boolean;
  log: (line: string) => void;
  accessLog: boolean;
}

export const DEFAULT_SEED = "mde-emulator";

/** Real time, `timeScale` times faster, starting at `startMs` (now, or where a previous run stopped). */
function emulatedClock(timeScale: number, startMs: number): Clock {
  const base = timeScale === 1 ? systemClock : scaledClock(timeScale);
  const shift = Math.max(0, startMs - base.now());
  return shift === 0 ? base : { now: () => base.now() + shift, sleep: (ms, signal) => base.sleep(ms, signal) };
}

/**
 * @param resumeAtMs the emulated time a previous run (same data folder) had reached: emulated
 * time never runs backwards across a restart, or actions created by a fast-running emulator
 * would lie in the future of the next one.
 */
export function resolveConfig(o: EmulatorOptions, resumeAtMs = 0): ResolvedConfig {
  const timeScale = o.timeScale ?? 1;
  if (!(timeScale > 0) || !Number.isFinite(timeScale)) throw new InvalidArgumentError(`timeScale must be a positive number, got ${o.timeScale}`);
  const port = o.port ?? 0;
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new InvalidArgumentError(`port must be 0..65535, got ${o.port}`);
  const startMs = Math.max(Math.floor(Date.now() / 1000) * 1000, resumeAtMs);
  const clock = o.clock === "manual" ? new ManualClock(startMs) : (o.clock ?? emulatedClock(timeScale, startMs));
  const log = o.logger ?? ((line: string) => process.stderr.write(`${line}\n`));
  return {
    port,
    host: o.host ?? "127.0.0.1",
    dataDir: o.dataDir,
    seed: String(o.seed ?? DEFAULT_SEED),
    timeScale,
    clock,
    control: o.control ?? false,
    log,
    accessLog: !o.quiet,
  };
}
