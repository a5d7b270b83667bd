/**
 * What every policy of the benchmark gets and returns. A policy is one way of collecting
 * packages from a list of machines: ours (the provider runtime) or a baseline reimplemented
 * from a peer's documented behaviour.
 */

/** An emulated tenant to talk to; waits a policy computes are in emulated time (`timeScale`). */
export interface BenchTarget {
  apiUrl: string;
  authorityHost: string;
  tenantId: string;
  clientId: string;
  clientSecret: string;
  caFile: string;
  /** Emulated seconds per real second. */
  timeScale: number;
}

export interface PolicyInput {
  target: BenchTarget;
  machineIds: string[];
  comment: string;
  /** Fetch and keep every package, or only wait until each collection is final. */
  packages: boolean;
  /** Where packages go (ours: the evidence folder; baselines: plain files). */
  evidenceDirectory: string;
  seed: string;
  /** Emulated ms since the run started (the timeline's clock). */
  now(): number;
  /** Aborted at the run's deadline: a policy then stops waiting and reports what is unfinished. */
  signal: AbortSignal;
}

export interface MachineOutcome {
  machineId: string;
  /** The collection ended Succeeded as far as the policy knows (and its package was kept, in package runs). */
  ok: boolean;
  actionId?: string;
  packageKept?: boolean;
  error?: string;
  /** Emulated ms at which the policy was done with this machine. */
  finishedMs: number;
  /** Still under way (or not started) when the deadline stopped the run. */
  unfinished?: boolean;
}

export interface Policy {
  id: string;
  /** Shown in the results; baselines say what they are reimplemented from. */
  label: string;
  /**
   * Before the clock starts: sign in and open a connection. At a high time scale the first
   * token's few hundred real milliseconds would count as many emulated seconds, which they are
   * not against the real service.
   */
  prepare(input: PolicyInput): Promise<void>;
  run(input: PolicyInput): Promise<MachineOutcome[]>;
}
