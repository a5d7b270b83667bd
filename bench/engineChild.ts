/**
 * One `pulumi up` (or `destroy`) of a sweep project (examples/sweep, or the component baseline) through the real CLI and engine, in its own
 * process so every engine run starts from a clean Pulumi runtime, as `pulumi up` would:
 *
 *   node dist/bench/engineChild.js '<json EngineChildSpec>'
 *
 * Prints one JSON line: when `up` started (epoch ms), how long it took (real ms), the change
 * summary and the sweep's counts.
 */
import { openStack, type StackConfigValue } from "../scripts/lib/stackRunner";

export interface EngineChildSpec {
  projectDir: string;
  stackName: string;
  backendDir: string;
  config: Record<string, StackConfigValue>;
  env: Record<string, string>;
  operation: "up" | "destroy";
  /** Pulumi's --parallel; unset: the CLI's default. */
  parallel?: number;
}

async function main(): Promise<void> {
  const spec = JSON.parse(process.argv[2]) as EngineChildSpec;
  const { stack } = await openStack({ projectDir: spec.projectDir, stackName: spec.stackName, backendDir: spec.backendDir, config: spec.config, env: spec.env });
  const started = Date.now();
  if (spec.operation === "destroy") {
    const r = await stack.destroy({ parallel: spec.parallel });
    process.stdout.write(`${JSON.stringify({ realMs: Date.now() - started, summary: r.summary.resourceChanges })}\n`);
    return;
  }
  const r = await stack.up({ parallel: spec.parallel });
  process.stdout.write(
    `${JSON.stringify({ startedAtMs: started, realMs: Date.now() - started, summary: r.summary.resourceChanges, counts: r.outputs.counts?.value ?? null })}\n`,
  );
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = 1;
});
