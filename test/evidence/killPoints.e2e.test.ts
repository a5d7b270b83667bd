/**
 * A writer SIGKILLed at any step of keeping a package (a runner cancelled, a machine that loses
 * power) must leave a folder that `verify` (provider/verify) passes with the key (exit 0) or
 * calls incomplete (exit 3: a `.partial` marker, a head not yet committed, lines after the
 * signed head), never one it reports as tampered with (exit 1), and never a package under its
 * final name that is not the whole package. The next run must complete it: exit 0 with the key.
 *
 * The writer is a child process that keeps one package with a signing key; the `onStep` test
 * hook names every durable step, and the child kills itself at the one named in argv. A first
 * run records the steps, so a new step is covered without editing this test.
 */
import { spawn } from "node:child_process";
import { createPublicKey, generateKeyPairSync } from "node:crypto";
import { readdir, readFile, writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { folderSource } from "../../provider/verify/source";
import { exitCodeOf, verifyLocation } from "../../provider/verify/checks";
import { TS_REQUIRE_HOOK } from "../helpers/clientChild";
import { ACTION_ID, buildZip, MACHINE_ID, sha256, succeededOutputs, tempDir } from "./helpers/fixtures";
import { StorageServer } from "./helpers/storageServer";

const ROOT = resolve(__dirname, "../..");
const BASE = `${MACHINE_ID}-${ACTION_ID}`;

const CHILD = `${TS_REQUIRE_HOOK}
const { createEvidenceHandler } = require(${JSON.stringify(join(ROOT, "provider/evidence/handler.ts"))});
const { SerialQueue } = require(${JSON.stringify(join(ROOT, "provider/evidence/fetchQueue.ts"))});
const { Agent } = require(${JSON.stringify(join(ROOT, "node_modules/undici"))});
const [dir, link, keyFile, killAt, stepsFile] = process.argv.slice(2);
const handler = createEvidenceHandler({
  api: { getPackageUri: async () => link },
  apiOrigin: "https://api.security.microsoft.com",
  queue: new SerialQueue(),
  dispatcher: new Agent(),
  operator: "ir@ws",
  toolVersion: "9.9.9-test",
  signingKey: { file: keyFile, origin: "test" },
  onStep: (step) => {
    if (stepsFile !== "-") fs.appendFileSync(stepsFile, step + "\\n");
    if (step === killAt) process.kill(process.pid, "SIGKILL");
  },
});
handler.preflight(dir)
  .then(() => handler.fetch(JSON.parse(process.env.KILL_TEST_OUTS), { adopted: false }))
  .then(() => process.exit(0), (e) => { console.error(e); process.exit(1); });
`;

describe("a writer killed at each step of keeping a package", () => {
  let work: { path: string; cleanup(): Promise<void> };
  let storage: StorageServer;
  let zip: Buffer;
  let steps: string[] = [];
  const { privateKey, publicKey } = generateKeyPairSync("ed25519");

  beforeAll(async () => {
    work = await tempDir("kill-points");
    storage = await new StorageServer().start();
    zip = await buildZip(256 * 1024);
    storage.packages.set(ACTION_ID, zip);
    await writeFile(join(work.path, "child.js"), CHILD);
    await writeFile(join(work.path, "key.pem"), privateKey.export({ type: "pkcs8", format: "pem" }));
    // A clean run names the steps.
    const dir = join(work.path, "record");
    const stepsFile = join(work.path, "steps.txt");
    expect(await runChild(dir, "-", stepsFile)).toEqual({ code: 0, signal: null });
    steps = (await readFile(stepsFile, "utf8")).trim().split("\n");
  }, 120_000);
  afterAll(async () => {
    await storage?.close();
    await work?.cleanup();
  });

  function runChild(dir: string, killAt: string, stepsFile = "-"): Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr?: string }> {
    return new Promise((done) => {
      const child = spawn(process.execPath, [join(work.path, "child.js"), dir, storage.issue(ACTION_ID), join(work.path, "key.pem"), killAt, stepsFile], {
        cwd: ROOT,
        env: { ...process.env, KILL_TEST_OUTS: JSON.stringify(succeededOutputs(dir)) },
        stdio: ["ignore", "ignore", "pipe"],
      });
      let stderr = "";
      child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
      child.on("close", (code, signal) => done(code === 0 || signal ? { code, signal } : { code, signal, stderr }));
    });
  }

  const report = (dir: string) => verifyLocation(folderSource(dir), createPublicKey(privateKey));

  it("records the steps of keeping a package: custody lines, heads, marker, package, manifest", () => {
    expect(steps).toEqual(expect.arrayContaining(["custody:succeeded:line-written", "custody:verified:head-committed", "keep:marked", "keep:placed", "keep:manifest-written", "keep:unmarked"]));
  });

  it("leaves, at every step, a folder that verifies or is visibly incomplete; the next run completes it", async () => {
    const outcomes: string[] = [];
    for (const step of steps) {
      const dir = join(work.path, `kill-${step.replace(/[^a-z0-9-]/gi, "_")}`);
      expect({ step, ...(await runChild(dir, step)) }).toEqual({ step, code: null, signal: "SIGKILL" });
      const names = await readdir(dir);
      const visiblePartials = names.filter((n) => n.endsWith(".partial") && !n.startsWith("."));
      const after = await report(dir);
      if (after.problems.length > 0) outcomes.push(`${step}: looks tampered (exit 1): ${after.problems.join("; ")}`);
      if (visiblePartials.length > 0 && exitCodeOf(after) !== 3) outcomes.push(`${step}: ${visiblePartials.join(", ")} left, but verify does not say incomplete (exit ${exitCodeOf(after)})`);
      if (names.includes(`${BASE}.zip`)) {
        const kept = await readFile(join(dir, `${BASE}.zip`));
        if (sha256(kept) !== sha256(zip)) outcomes.push(`${step}: ${BASE}.zip is not the whole package`);
      }
      // The next run, unhindered, completes what was interrupted.
      expect({ step, ...(await runChild(dir, "-")) }).toEqual({ step, code: 0, signal: null });
      const healed = await report(dir);
      if (exitCodeOf(healed) !== 0) outcomes.push(`${step}: after the next run, exit ${exitCodeOf(healed)}: ${[...healed.problems, ...healed.unproven].join("; ")}`);
      const left = (await readdir(dir)).filter((n) => n.endsWith(".partial") && !n.startsWith("."));
      if (left.length > 0) outcomes.push(`${step}: after the next run, still incomplete: ${left.join(", ")}`);
    }
    expect(outcomes).toEqual([]);
    expect(publicKey).toBeDefined();
  }, 600_000);
});
