#!/usr/bin/env node
/**
 * `mde-emulator`: starts the emulator and prints ONE JSON line on stdout with what a client
 * needs (`apiUrl`, `authorityHost`, `caFile`, `tenantId`, `clientId`, `clientSecret`, …), so
 * scripts can `read` it; everything else (access log, warnings) goes to stderr.
 * `parseCliArgs` and `main` are exported so tests can drive the CLI in-process.
 */
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { ForensicsError } from "../provider/util/error";
import type { EmulatorOptions } from "./config";
import { envMain } from "./env/command";
import { removeFacts, writeFacts } from "./env/facts";
import { startEmulator, type EmulatorHandle } from "./index";

export const USAGE = `Usage: mde-emulator [options]
       mde-emulator env --data-dir <dir>   (the running emulator as a stack's tenant; env --help)

A local Microsoft Defender for Endpoint API (investigation packages) with Entra-like token
endpoints, over HTTPS. Prints one JSON line with apiUrl, authorityHost, caFile, tenantId,
clientId and clientSecret on start; the access log goes to stderr.

Options:
  --port <n>            TCP port (default 0: any free port)
  --host <addr>         interface to bind (default 127.0.0.1)
  --data-dir <dir>      keep TLS files, keys and state here across restarts (default: memory);
                        \`mde-emulator env --data-dir <dir>\` then prints a stack's settings for it
  --seed <text>         seed for action ids and package contents (default mde-emulator)
  --time-scale <n>      run emulated time n times faster, quota windows included (default 1)
  --manual-clock        time only moves via POST /_emulator/clock/advance (needs --control)
  --scenario <file>     scenario file, .yaml/.yml/.json (default: built-in scenario)
  --control             enable the control endpoint /_emulator/...
  --faults <json|file>  fault rules (a JSON array or object, or a file holding one)
  --trust-ca <file>     a CA (PEM) to trust when fetching a federated issuer's keys; repeatable
  --quiet               no access log
  -h, --help            show this help
`;

export class UsageError extends ForensicsError {
  override name = "UsageError";
}

/** Turns argv into options; throws UsageError for anything malformed. `undefined` means --help. */
export function parseCliArgs(argv: string[]): EmulatorOptions | undefined {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      strict: true,
      options: {
        port: { type: "string" }, host: { type: "string" }, "data-dir": { type: "string" }, seed: { type: "string" },
        "time-scale": { type: "string" }, "manual-clock": { type: "boolean" }, scenario: { type: "string" },
        control: { type: "boolean" }, faults: { type: "string" }, "trust-ca": { type: "string", multiple: true }, quiet: { type: "boolean" }, help: { type: "boolean", short: "h" },
      },
    }));
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  if (values.help) return undefined;
  const num = (name: string, v: string | undefined) => {
    if (v === undefined) return undefined;
    const n = Number(v);
    if (v.trim() === "" || !Number.isFinite(n)) throw new UsageError(`--${name} needs a number, got '${v}'`);
    return n;
  };
  let faults: EmulatorOptions["faults"];
  if (values.faults !== undefined) {
    const text = /^\s*[[{]/.test(values.faults) ? values.faults : readFileSync(values.faults, "utf8");
    try {
      const parsed = JSON.parse(text);
      faults = Array.isArray(parsed) ? parsed : [parsed];
    } catch (e) {
      throw new UsageError(`--faults is not valid JSON: ${(e as Error).message}`);
    }
  }
  return {
    port: num("port", values.port),
    host: values.host,
    dataDir: values["data-dir"],
    seed: values.seed,
    timeScale: num("time-scale", values["time-scale"]),
    clock: values["manual-clock"] ? "manual" : undefined,
    scenario: values.scenario,
    control: values.control ?? false,
    faults,
    trustedCaFiles: values["trust-ca"],
    quiet: values.quiet ?? false,
  };
}

export interface CliIo {
  stdout: (line: string) => void;
  stderr: (line: string) => void;
}

/** Runs the CLI; resolves with the running emulator, or `undefined` after --help or an error (exit code set). */
export async function main(argv: string[], io: CliIo = { stdout: (l) => process.stdout.write(`${l}\n`), stderr: (l) => process.stderr.write(`${l}\n`) }): Promise<EmulatorHandle | undefined> {
  if (argv[0] === "env") {
    process.exitCode = await envMain(argv.slice(1), io);
    return undefined;
  }
  let options: EmulatorOptions | undefined;
  try {
    options = parseCliArgs(argv);
  } catch (e) {
    io.stderr(`mde-emulator: ${(e as Error).message}\n\n${USAGE}`);
    process.exitCode = 2;
    return undefined;
  }
  if (!options) {
    io.stdout(USAGE);
    return undefined;
  }
  try {
    const emu = await startEmulator({ ...options, logger: io.stderr });
    const { apiUrl, authorityHost, caFile, tenantId, clientId, clientSecret, controlUrl, port } = emu;
    if (options.dataDir) {
      writeFacts(emu, options.dataDir, options.timeScale ?? 1);
      const close = emu.close.bind(emu);
      const dataDir = options.dataDir;
      emu.close = async () => {
        removeFacts(dataDir);
        await close();
      };
    }
    io.stdout(JSON.stringify({ apiUrl, authorityHost, caFile, tenantId, clientId, clientSecret, controlUrl, port, pid: process.pid }));
    return emu;
  } catch (e) {
    io.stderr(`mde-emulator: ${(e as Error).message}`);
    process.exitCode = 1;
    return undefined;
  }
}

if (require.main === module) {
  void main(process.argv.slice(2)).then((emu) => {
    if (!emu) return;
    const stop = () => void emu.close().then(() => process.exit(0));
    process.once("SIGINT", stop);
    process.once("SIGTERM", stop);
  });
}
