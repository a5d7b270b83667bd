/**
 * What a running emulator leaves in its `--data-dir` for `mde-emulator env` to read: where it
 * listens, its CA, its tenant and applications, its time scale and its pid. The applications'
 * secrets go to files of their own (mode 0600), so the settings printed for a stack name a file
 * (`pulumi config set --secret mde:clientSecret < file`) and never put a secret in a process's
 * arguments or on the terminal.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import type { EmulatorHandle } from "../index";

export const FACTS_FILE = "emulator.json";
const SECRETS_DIR = "secrets";

export interface EmulatorApp {
  clientId: string;
  displayName: string;
  roles: string[];
  /** The file holding the app's client secret. */
  secretFile: string;
}

export interface EmulatorFacts {
  dataDir: string;
  apiUrl: string;
  authorityHost: string;
  caFile: string;
  tenantId: string;
  timeScale: number;
  pid: number;
  /** The scenario's applications, the default (first) one first. */
  apps: EmulatorApp[];
}

/** Writes the facts of `emu` (started with `dataDir` and `timeScale`) for `mde-emulator env`; returns the facts file. */
export function writeFacts(emu: EmulatorHandle, dataDir: string, timeScale: number, pid = process.pid): string {
  const secrets = path.join(dataDir, SECRETS_DIR);
  fs.mkdirSync(secrets, { recursive: true, mode: 0o700 });
  const apps = emu.scenario.apps.map((app) => {
    const secretFile = path.join(secrets, app.clientId);
    fs.writeFileSync(secretFile, `${app.clientSecret}\n`, { mode: 0o600 });
    return { clientId: app.clientId, displayName: app.displayName ?? app.clientId, roles: [...(app.roles ?? [])], secretFile };
  });
  const facts: EmulatorFacts = { dataDir: path.resolve(dataDir), apiUrl: emu.apiUrl, authorityHost: emu.authorityHost, caFile: emu.caFile, tenantId: emu.tenantId, timeScale, pid, apps };
  const file = path.join(dataDir, FACTS_FILE);
  fs.writeFileSync(file, `${JSON.stringify(facts, null, 2)}\n`, { mode: 0o600 });
  return file;
}

/** Removes the facts file when the emulator stops, so `env` cannot point a stack at a dead port. */
export function removeFacts(dataDir: string): void {
  fs.rmSync(path.join(dataDir, FACTS_FILE), { force: true });
}

/** The facts of the emulator running on `dataDir`; throws with what to do when there is none. */
export function readFacts(dataDir: string, isAlive: (pid: number) => boolean = processIsAlive): EmulatorFacts {
  const file = path.join(path.resolve(dataDir), FACTS_FILE);
  const start = `start one first: mde-emulator --data-dir ${dataDir} --time-scale 60 &`;
  if (!fs.existsSync(file)) throw new Error(`no emulator is running on ${dataDir} (${file} is missing); ${start}`);
  const facts = JSON.parse(fs.readFileSync(file, "utf8")) as EmulatorFacts;
  if (!isAlive(facts.pid)) throw new Error(`the emulator that wrote ${file} (pid ${facts.pid}) is no longer running; ${start}`);
  return facts;
}

function processIsAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}
