/**
 * The bench's quota-sharing runner (bench/runnerChild.ts: the sweep runtime in a process of its
 * own, settings from the environment) loaded from our TypeScript sources in a child node process,
 * so the e2e test needs no build. Prints one JSON line.
 */
import { resolve } from "node:path";
import { TS_REQUIRE_HOOK } from "./clientChild";

export interface SweepChildResult {
  machines?: Record<string, { actionId: string | null; status: string; error?: string }>;
  metrics?: { reads: number; writes: number; conflicts: number; reserved: number; granted: number; voided: number; released: number };
  fatal?: string;
}

export const SWEEP_CHILD_SCRIPT = `${TS_REQUIRE_HOOK}
require(${JSON.stringify(resolve(__dirname, "../../bench/runnerChild.ts"))}).runRunnerFromArgs();
`;
