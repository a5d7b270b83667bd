/**
 * `mde-emulator env --data-dir <dir>`: the running emulator as the current stack's tenant, as
 * shell lines to `eval` in the project folder: the `pulumi config set` lines of its `mde:*`
 * settings and the CA variable.
 *
 * Why a command: the pieces (mde:apiUrl, mde:authorityHost, the app, mde:rateLimits' time scale,
 * NODE_EXTRA_CA_CERTS) were spread over three documents, and a missing CA showed up as a sign-in
 * error blaming the tenant id. NODE_EXTRA_CA_CERTS becomes a COPY of the bundle it names now with
 * the emulator's CA appended (caBundle.ts): replacing it would drop a corporate proxy's CA.
 */
import * as path from "node:path";
import { parseArgs } from "node:util";
import { SECRET_SETTINGS, stackConfigKey, type SettingName } from "../../provider/api/settingsSchema";
import { caBundleWith } from "./caBundle";
import { readFacts, type EmulatorApp, type EmulatorFacts } from "./facts";

export const ENV_USAGE = `Usage: mde-emulator env --data-dir <dir> [--app <name|id>] [--stack <name>] [--azure] [--wait <s>]

Prints, for the emulator running on <dir> (started with --data-dir <dir>), the shell lines that
make it the tenant of a Pulumi stack: NODE_EXTRA_CA_CERTS (your current bundle with the
emulator's CA appended, written to <dir>/ca-bundle.pem) and \`pulumi config set\` of its mde:*
settings. Run them in the project folder:

  eval "$(mde-emulator env --data-dir <dir>)"

Options:
  --data-dir <dir>   the emulator's --data-dir (required)
  --app <name|id>    the application to sign in as (default: the scenario's first one);
                     e.g. "Fleet Reporter", which may read devices but not collect (403)
  --stack <name>     add --stack <name> to every pulumi command (default: the current stack)
  --azure            print AZURE_* variables instead of pulumi config (for mde-forensics verify,
                     the Azure SDKs, Azurite): the secret is read from its file by the shell
  --wait <seconds>   wait this long for an emulator still starting (default 30)
  -h, --help         show this help
`;

/** `'…'` for a POSIX shell. */
const quote = (s: string) => (/^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`);

function pickApp(facts: EmulatorFacts, wanted: string | undefined): EmulatorApp {
  if (wanted === undefined) return facts.apps[0];
  const app = facts.apps.find((a) => a.clientId === wanted || a.displayName.toLowerCase() === wanted.toLowerCase());
  if (!app) throw new Error(`--app ${wanted}: the emulator has no such application (it has: ${facts.apps.map((a) => `"${a.displayName}" ${a.clientId}`).join(", ")})`);
  return app;
}

/** The shell lines for `facts`, signing in as `app`; `bundle` is the CA bundle file to export. */
export function envLines(facts: EmulatorFacts, app: EmulatorApp, bundle: string, stack?: string): string[] {
  const onStack = stack ? ` --stack ${quote(stack)}` : "";
  const settings: [SettingName, string][] = [
    ["apiUrl", facts.apiUrl],
    ["authorityHost", facts.authorityHost],
    ["tenantId", facts.tenantId],
    ["clientId", app.clientId],
    ["clientSecret", app.secretFile],
    ["rateLimits", JSON.stringify({ timeScale: facts.timeScale })],
  ];
  return [
    `# The MDE emulator on ${facts.dataDir} (pid ${facts.pid}, time x${facts.timeScale}) as this stack's tenant, signed in as "${app.displayName}" (${app.roles.join(", ") || "no roles"}).`,
    "# NODE_EXTRA_CA_CERTS is read when a process starts: keep it exported in the shell that runs pulumi.",
    `export NODE_EXTRA_CA_CERTS=${quote(bundle)}`,
    ...settings.map(([name, value]) =>
      SECRET_SETTINGS.has(name)
        ? `pulumi config set${onStack} --secret ${stackConfigKey(name)} < ${quote(value)}`
        : `pulumi config set${onStack} ${stackConfigKey(name)} ${quote(value)}`,
    ),
  ];
}

/** The facts of the emulator on `dataDir`, waiting up to `waitMs` for one started just before (`mde-emulator … &`). */
async function factsOf(dataDir: string, waitMs: number): Promise<EmulatorFacts> {
  const end = Date.now() + waitMs;
  for (;;) {
    try {
      return readFacts(dataDir);
    } catch (e) {
      if (Date.now() >= end) throw e;
      await new Promise((r) => setTimeout(r, 200));
    }
  }
}

/** The same sign-in as AZURE_* variables, which `mde-forensics verify` and the Azure SDKs read. */
export function azureEnvLines(facts: EmulatorFacts, app: EmulatorApp, bundle: string): string[] {
  return [
    `# The MDE emulator on ${facts.dataDir} as the Azure sign-in of this shell, as "${app.displayName}".`,
    `export NODE_EXTRA_CA_CERTS=${quote(bundle)}`,
    `export AZURE_AUTHORITY_HOST=${quote(facts.authorityHost)}`,
    `export AZURE_TENANT_ID=${quote(facts.tenantId)}`,
    `export AZURE_CLIENT_ID=${quote(app.clientId)}`,
    `export AZURE_CLIENT_SECRET="$(cat ${quote(app.secretFile)})"`,
  ];
}

/** Runs `mde-emulator env`; resolves with the exit code (0, 1 no emulator, 2 usage). */
export async function envMain(argv: string[], io: { stdout: (l: string) => void; stderr: (l: string) => void }, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({ args: argv, strict: true, options: { "data-dir": { type: "string" }, app: { type: "string" }, stack: { type: "string" }, wait: { type: "string" }, azure: { type: "boolean" }, help: { type: "boolean", short: "h" } } }));
  } catch (e) {
    io.stderr(`mde-emulator env: ${(e as Error).message}\n\n${ENV_USAGE}`);
    return 2;
  }
  if (values.help) {
    io.stdout(ENV_USAGE);
    return 0;
  }
  if (!values["data-dir"]) {
    io.stderr(`mde-emulator env: --data-dir is required (the folder the emulator was started with)\n\n${ENV_USAGE}`);
    return 2;
  }
  const waitSeconds = Number(values.wait ?? 30);
  if (!(waitSeconds >= 0)) {
    io.stderr(`mde-emulator env: --wait needs a number of seconds, got '${values.wait}'`);
    return 2;
  }
  try {
    const dataDir = path.resolve(values["data-dir"]);
    const facts = await factsOf(dataDir, waitSeconds * 1000);
    const app = pickApp(facts, values.app);
    const bundle = caBundleWith(facts.caFile, dataDir, env.NODE_EXTRA_CA_CERTS);
    for (const line of values.azure ? azureEnvLines(facts, app, bundle) : envLines(facts, app, bundle, values.stack)) io.stdout(line);
    return 0;
  } catch (e) {
    io.stderr(`mde-emulator env: ${(e as Error).message}`);
    return 1;
  }
}
