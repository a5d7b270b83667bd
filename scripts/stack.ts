/**
 * `pulumi` for this repo's projects, through the real CLI (see lib/stackRunner.ts for why the
 * program is served by the Automation API):
 *
 *   node dist/scripts/stack.js <preview|up|refresh|destroy|outputs|export|remove> \
 *     --project <dir> --stack <name> [--config-file <json>] [--quiet]
 *
 * Pulumi's own progress goes to stderr; stdout gets one JSON line with the result, so tests and
 * scripts can assert on it. --config-file holds `{ "mde:apiUrl": { "value": "...", "secret": false } }`.
 */
import * as fs from "node:fs";
import { parseArgs } from "node:util";
import { openStack, type StackConfigValue } from "./lib/stackRunner";

const OPERATIONS = ["preview", "up", "refresh", "destroy", "outputs", "export", "cancel", "remove"] as const;
type Operation = (typeof OPERATIONS)[number];

async function main(): Promise<void> {
  const { positionals, values } = parseArgs({
    allowPositionals: true,
    options: {
      project: { type: "string" },
      stack: { type: "string" },
      "config-file": { type: "string" },
      quiet: { type: "boolean", default: false },
    },
  });
  const operation = positionals[0] as Operation;
  if (!OPERATIONS.includes(operation) || !values.project || !values.stack) {
    throw new Error(`usage: stack.js <${OPERATIONS.join("|")}> --project <dir> --stack <name> [--config-file <json>]`);
  }
  const config = values["config-file"]
    ? (JSON.parse(fs.readFileSync(values["config-file"], "utf8")) as Record<string, StackConfigValue>)
    : undefined;
  const { stack } = await openStack({ projectDir: values.project, stackName: values.stack, config });
  // The CLI's stdout and its stderr (diagnostics such as a provider's lines), as a terminal shows both.
  const onOutput = values.quiet ? undefined : (line: string) => process.stderr.write(line);
  const result = await run(operation, stack, onOutput);
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

async function run(operation: Operation, stack: Awaited<ReturnType<typeof openStack>>["stack"], onOutput?: (s: string) => void) {
  const onError = onOutput;
  switch (operation) {
    case "preview": {
      const r = await stack.preview({ onOutput, onError, diff: true });
      return { operation, changeSummary: r.changeSummary };
    }
    case "up": {
      const r = await stack.up({ onOutput, onError });
      return { operation, summary: r.summary.resourceChanges, outputs: plain(r.outputs) };
    }
    case "refresh": {
      const r = await stack.refresh({ onOutput, onError });
      return { operation, summary: r.summary.resourceChanges };
    }
    case "destroy": {
      const r = await stack.destroy({ onOutput, onError });
      return { operation, summary: r.summary.resourceChanges };
    }
    case "outputs":
      return { operation, outputs: plain(await stack.outputs()) };
    case "export":
      return { operation, deployment: await stack.exportStack() };
    case "cancel":
      await stack.cancel();
      return { operation };
    case "remove":
      await stack.workspace.removeStack(stack.name, { force: true });
      return { operation };
  }
}

function plain(outputs: Record<string, { value: unknown; secret: boolean }>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(outputs).map(([k, v]) => [k, v.secret ? "[secret]" : v.value]));
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = 1;
});
