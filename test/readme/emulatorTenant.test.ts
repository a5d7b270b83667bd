/**
 * docs/configuration.md "Use the emulator as your tenant" as written, in a fresh folder with the
 * packed package: the emulator the steps start, and nothing else, is the stack's tenant. Then
 * docs/evidence.md "Try it on Azurite" in that project: Azurite over HTTPS with OAuth, the
 * container, the evidence moved into it, and `mde-forensics verify` of it signed in as written. The
 * shell the steps run in has none of the emulator variables the other README suites set
 * (MDE_API_URL, AZURE_AUTHORITY_HOST, MDE_RATE_LIMITS, NODE_EXTRA_CA_CERTS): `mde-emulator env`
 * must supply them. Then the section's 403 on purpose (the read-only app through `--app`), and,
 * in a new terminal without the `eval` line, the path of a user who forgot the CA: the error
 * names the certificate problem and the fix, not the tenant.
 *
 * The project's install is the shared prepared one (./preparedProject.ts): the install lines
 * still run as written, on a copy of what they install.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { packedTarball } from "../helpers/packedPackage";
import { REPO_ROOT } from "../helpers/stackCli";
import { createServer } from "node:net";
import { EMULATOR_TENANT, EVIDENCE_ON_AZURITE } from "./documentedSteps";
import { runWithPreparedInstall } from "./preparedProject";
import { stepsOf, substitute, UserShell } from "./readmeSteps";

/**
 * The user's machine, which knows of no tenant: no emulator of the suite's own (the steps start
 * the one they use), none of the variables the other README suites set, and NODE_EXTRA_CA_CERTS
 * as this machine has it (a TLS-inspecting proxy's CA, say, which npm needs), without the
 * emulator's CA: `mde-emulator env` must append that, keeping the rest.
 */
let user: UserShell;
beforeAll(() => {
  user = new UserShell();
});
afterAll(() => user?.dispose());
const OWN_BUNDLE = process.env.NODE_EXTRA_CA_CERTS;

/**
 * Background processes the steps start (emulator, Azurite) record their pids here, should a step
 * fail before `kill`; outside the user's HOME, which the suite's own afterAll removes first.
 */
const PIDS_FILE = path.join(os.tmpdir(), `pmf-emulator-tenant-pids-${process.pid}`);
const PIDS = `echo $! >> ${PIDS_FILE}`;
afterAll(() => {
  const file = PIDS_FILE;
  const pids = fs.existsSync(file) ? fs.readFileSync(file, "utf8").split("\n").filter(Boolean).map(Number) : [];
  for (const pid of pids) {
    try {
      process.kill(pid, "SIGTERM");
    } catch {
      // already gone
    }
  }
  fs.rmSync(file, { force: true });
});

/** Lines ending a background start (`… &`) also note its pid; nothing else changes. */
const notingPids = (script: string) => script.replace(/&(\s*(#[^\n]*)?)$/gm, `& ${PIDS};$1`);

function alive(pid: number): boolean {
  try {
    return process.kill(pid, 0);
  } catch {
    return false;
  }
}

async function freePort(): Promise<number> {
  return new Promise((done) => {
    const srv = createServer().listen(0, "127.0.0.1", () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => done(port));
    });
  });
}

it("collects the runbook's devices from the emulator the steps start, with only what `mde-emulator env` prints", async () => {
  expect(Object.keys(user.env()).filter((k) => /^(MDE_|AZURE_)/.test(k))).toEqual([]);
  const [steps] = stepsOf(EMULATOR_TENANT);
  const script = substitute(steps, { "<this repo>": REPO_ROOT, "<pulumi-mde-forensics tarball>": packedTarball() });
  const run = await runWithPreparedInstall(user, notingPids(script));
  if (run.code !== 0) throw new Error(`the documented steps failed (exit ${run.code}):\n${run.output.slice(-4000)}`);
  expect(run.output).not.toContain("Could not find entry point");
  // `kill %1` as written stops the emulator itself (under npx it left the server running).
  const [emulatorPid] = fs.readFileSync(PIDS_FILE, "utf8").split("\n").map(Number);
  // It closes its server before exiting: give it that long (a backstop, not a race: it was told to stop).
  for (let i = 0; i < 50 && alive(emulatorPid); i++) await new Promise((r) => setTimeout(r, 100));
  expect(alive(emulatorPid)).toBe(false);
  const project = path.join(user.work, "lab-2041");
  expect(fs.readdirSync(path.join(project, "evidence", "INC-2041")).filter((f) => f.endsWith(".zip"))).toHaveLength(2);
  const stackFile = fs.readFileSync(path.join(project, "Pulumi.incident-2041.yaml"), "utf8");
  expect(stackFile).toMatch(/mde:clientSecret:\n\s+secure: /);
  expect(stackFile).toContain('mde:rateLimits: \'{"timeScale":60}\'');
  // The CA variable is the user's bundle with the emulator's CA appended, never a replacement.
  const bundle = fs.readFileSync(path.join(user.home, "mde-emulator", "ca-bundle.pem"), "utf8");
  if (OWN_BUNDLE) expect(bundle.startsWith(fs.readFileSync(OWN_BUNDLE, "utf8").trimEnd())).toBe(true);
  expect(bundle.trimEnd().endsWith(fs.readFileSync(path.join(user.home, "mde-emulator", "tls", "ca.crt"), "utf8").trimEnd())).toBe(true);
}, 900_000);

it("gets the 403 on purpose as the read-only app; in a new terminal without the CA line, an error naming the certificate; then switches back", async () => {
  const [first, steps] = stepsOf(EMULATOR_TENANT);
  // The steps end with the `pulumi up` that must fail; the emulator they start keeps running.
  expect(steps.trimEnd().split("\n").pop()).toMatch(/^pulumi up\b/);
  const started = fs.readFileSync(PIDS_FILE, "utf8").split("\n").filter(Boolean).length;
  const forbidden = await user.run(notingPids(steps));
  expect(forbidden.code).not.toBe(0);
  expect(forbidden.output).toMatch(/403/);
  expect(forbidden.output).toContain("The app registration lacks the application permission Machine.CollectForensics");
  const [emulatorPid] = fs.readFileSync(PIDS_FILE, "utf8").split("\n").filter(Boolean).map(Number).slice(started);
  const project = path.join(user.work, "lab-2041");
  try {
    // A new terminal in the project, the emulator still running, and no `eval` line: the stack's
    // settings are stored, the CA variable is not. The round is still to collect, so `up` signs in.
    const up = await user.run(`pulumi up`, { cwd: project });
    expect(up.code).not.toBe(0);
    expect(up.output).toMatch(/the TLS certificate of 127\.0\.0\.1:\d+ is not trusted \((UNABLE_TO_VERIFY_LEAF_SIGNATURE|SELF_SIGNED_CERT_IN_CHAIN)\)/);
    expect(up.output).toContain("mde-emulator env");
    expect(up.output).not.toMatch(/check mde:authorityHost/);

    // "Switch back with the `eval` line without `--app`; the next `pulumi up` collects the round."
    const evalLine = first.split("\n").find((l) => /^eval "\$\(npx mde-emulator env/.test(l))!;
    expect(evalLine).not.toContain("--app");
    const back = await user.run(`${evalLine}\npulumi up`, { cwd: project });
    if (back.code !== 0) throw new Error(`switching back failed (exit ${back.code}):\n${back.output.slice(-4000)}`);
    expect(fs.readdirSync(path.join(project, "evidence", "INC-2041")).filter((f) => f.endsWith(".zip"))).toHaveLength(3);
  } finally {
    process.kill(emulatorPid, "SIGTERM");
  }
  for (let i = 0; i < 50 && alive(emulatorPid); i++) await new Promise((r) => setTimeout(r, 100));
}, 900_000);

it("moves the evidence into a container on Azurite and verifies it there, as docs/evidence.md says", async () => {
  const [steps] = stepsOf(EVIDENCE_ON_AZURITE);
  // Azurite's default port, 10000, may be taken on a shared machine: a substitution.
  expect(steps.match(/10000/g)?.length).toBe(4);
  // verify exits 3 on this unsigned evidence, as the section says; the steps go on to `kill` (a
  // terminal would), where the suite's `set -e` would stop: the second substitution, its exit printed.
  const verifyLine = /^(npx mde-forensics verify [^#\n]*?)\s*#[^\n]*exit 3[^\n]*$/m;
  expect(steps).toMatch(verifyLine);
  const script = steps.split("10000").join(String(await freePort())).replace(verifyLine, '$1 || echo "verify exit $?"');
  // Its `npm install -D azurite…` line runs as written, on a prepared copy of what it installs.
  const run = await runWithPreparedInstall(user, notingPids(script), { also: steps.split("\n").filter((l) => /^npm install\b/.test(l)) });
  if (run.code !== 0) throw new Error(`the documented steps failed (exit ${run.code}):\n${run.output.slice(-4000)}`);
  expect(run.output).toContain("container evidence ready");
  expect(run.output).toContain("2 package(s) intact; authenticity not established");
  expect(run.output).toMatch(/^verify exit 3$/m);
  expect(run.output).not.toContain("endpoints_resolution_error");

  // "`mde-forensics verify --help`" as the section names it, in the project: the sign-in flags and
  // ?endpoint=, in rows a terminal shows whole (it once failed with "unknown argument --help").
  const help = await user.run("npx mde-forensics verify --help", { cwd: path.join(user.work, "lab-2041") });
  expect(help.code).toBe(0);
  const rows = help.output.split("\n").filter((l) => !l.startsWith("+ "));
  expect(rows.join("\n")).toContain("?endpoint=<https url>");
  expect(rows.join("\n")).toMatch(/--tenant-id .*--client-id .*--authority-host/s);
  expect(Math.max(...rows.map((l) => l.length))).toBeLessThanOrEqual(100);
}, 900_000);
