/**
 * Many writer processes (stacks sharing one evidence folder) start at once against a stale
 * `custody.jsonl.lock` a dead writer left: exactly one of them may take it over, and every event
 * of every writer must end up in one unbroken chain. On the old check-then-delete takeover, two
 * waiters could both "take over" (one deleting the other's fresh lock), and the chain forked.
 *
 * The children load the TypeScript sources (no build) and wait at a barrier file, so they all
 * race for the lock in the same few milliseconds. LOCK_RACE_TRIALS raises the number of trials
 * (the issue asks for 50 in a row under two CPU hogs; the suite runs a few).
 */
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, readdir, readFile, rm, utimes, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { CUSTODY_LOG_NAME } from "../../provider/evidence/custodyLog";
import { STALE_LOCK_MS } from "../../provider/evidence/fileLock";
import { checkChain } from "../../provider/verify/chain";
import { TS_REQUIRE_HOOK } from "../helpers/clientChild";

const ROOT = resolve(__dirname, "../..");
const WRITERS = 10;
const APPENDS = 8;
const TRIALS = Number(process.env.LOCK_RACE_TRIALS ?? 4);

const CHILD = `${TS_REQUIRE_HOOK}
const { CustodyLog } = require(${JSON.stringify(join(ROOT, "provider/evidence/custodyLog.ts"))});
const [dir, name, go] = process.argv.slice(2);
const log = new CustodyLog({ clock: { now: () => Date.now(), sleep: async () => {} }, tool: "t@1", operator: name });
(async () => {
  // The barrier: the parent writes a start time; all wait for it, the last milliseconds spinning.
  fs.writeFileSync(go + "." + name, "");
  while (!fs.existsSync(go)) await new Promise((r) => setTimeout(r, 5));
  const at = Number(fs.readFileSync(go, "utf8"));
  while (Date.now() < at - 3) await new Promise((r) => setTimeout(r, 1));
  while (Date.now() < at);
  for (let i = 0; i < ${APPENDS}; i++) await log.append(dir, "requested", { actionId: name + "-" + i });
})().catch((e) => { console.error(e); process.exit(1); });
`;

describe("custody lock under many writer processes", () => {
  let work: string;
  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), "mde-lock-race-"));
    await writeFile(join(work, "child.js"), CHILD);
  });
  afterAll(() => rm(work, { recursive: true, force: true }));

  async function trial(n: number) {
    const dir = join(work, `trial-${n}`);
    const barrier = join(work, `barrier-${n}`);
    await mkdir(dir);
    const lock = join(dir, `${CUSTODY_LOG_NAME}.lock`);
    await writeFile(lock, "4242\n");
    const old = new Date(Date.now() - STALE_LOCK_MS - 60_000);
    await utimes(lock, old, old);
    const go = join(barrier, "go");
    await mkdir(barrier);
    const children = Array.from({ length: WRITERS }, (_, i) =>
      new Promise<{ code: number | null; stderr: string }>((done) => {
        const child = spawn(process.execPath, [join(work, "child.js"), dir, `w${i}`, go], { cwd: ROOT, stdio: ["ignore", "ignore", "pipe"] });
        let stderr = "";
        child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
        child.on("close", (code) => done({ code, stderr }));
      }),
    );
    // Let every child load the sources and reach the barrier, then release them together.
    const ready = () => Array.from({ length: WRITERS }, (_, i) => existsSync(`${go}.w${i}`)).every(Boolean);
    while (!ready()) await new Promise((r) => setTimeout(r, 20));
    await writeFile(go, String(Date.now() + 100));
    const results = await Promise.all(children);
    expect(results.filter((r) => r.code !== 0).map((r) => r.stderr)).toEqual([]);
    const chain = checkChain(await readFile(join(dir, CUSTODY_LOG_NAME), "utf8"), undefined, undefined);
    expect(chain.problem).toBeUndefined();
    expect(chain.lines).toHaveLength(WRITERS * APPENDS);
    expect(new Set(chain.lines.map((l) => l.actionId)).size).toBe(WRITERS * APPENDS);
    expect(await readdir(dir)).toEqual([CUSTODY_LOG_NAME]); // no lock, break or temp file left behind
  }

  for (let n = 0; n < TRIALS; n++) {
    it(`trial ${n + 1} of ${TRIALS}: ${WRITERS} writers, ${APPENDS} events each, a stale lock planted: one unbroken chain, no event lost`, () => trial(n), 120_000);
  }
});
