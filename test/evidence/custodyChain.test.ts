/**
 * The custody log is one hash chain per location, also under concurrent writers: resources of
 * one run, and separate processes (two stacks sharing a folder). A lock a dead writer left
 * behind is taken over; lines of a 0.1.0 log are continued, and reported as unchained.
 */
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { readFile, utimes, writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { CUSTODY_LOG_NAME, CustodyLog } from "../../provider/evidence/custodyLog";
import { checkChain } from "../../provider/verify/chain";
import { TS_REQUIRE_HOOK } from "../helpers/clientChild";
import { InstantClock, MACHINE_ID, tempDirEachTest } from "./helpers/fixtures";

/** The source, loaded by each child through the TypeScript require hook: no build needed. */
const SOURCE_LOG = resolve(__dirname, "../../provider/evidence/custodyLog.ts");

describe("custody chain", () => {
  const temp = tempDirEachTest("chain");

  const chainOf = async () => checkChain(await readFile(join(temp.path, CUSTODY_LOG_NAME), "utf8"), undefined, undefined);

  it("links 200 concurrent appends of two writers into one unbroken chain", async () => {
    const clock = new InstantClock();
    const writers = [new CustodyLog({ clock, tool: "t@1", operator: "a@h" }), new CustodyLog({ clock, tool: "t@1", operator: "b@h" })];
    await Promise.all(Array.from({ length: 200 }, (_, i) => writers[i % 2].append(temp.path, "requested", { actionId: `id-${i}`, machineId: MACHINE_ID })));
    const chain = await chainOf();
    expect(chain.problem).toBeUndefined();
    expect(chain.lines).toHaveLength(200);
    expect(chain.legacyLines).toBe(0);
  });

  it("links the appends of two processes writing at once into one chain (no fork)", async () => {
    const script = `${TS_REQUIRE_HOOK}
      const { CustodyLog } = require(${JSON.stringify(SOURCE_LOG)});
      const log = new CustodyLog({ clock: { now: () => Date.now(), sleep: async () => {} }, tool: "t@1", operator: process.argv[1] });
      (async () => { for (let i = 0; i < 100; i++) await log.append(${JSON.stringify(temp.path)}, "requested", { actionId: process.argv[1] + "-" + i }); })()
        .catch((e) => { console.error(e); process.exit(1); });`;
    const run = (name: string) =>
      new Promise<number | null>((done) => spawn(process.execPath, ["-e", script, name], { stdio: "inherit" }).on("exit", done));
    expect(await Promise.all([run("stack-a"), run("stack-b")])).toEqual([0, 0]);
    const chain = await chainOf();
    expect(chain.problem).toBeUndefined();
    expect(chain.lines).toHaveLength(200);
    expect(new Set(chain.lines.map((l) => l.actionId)).size).toBe(200);
  });

  it("takes over a lock left by a writer that died", async () => {
    const lock = join(temp.path, `${CUSTODY_LOG_NAME}.lock`);
    await writeFile(lock, "4242\n");
    const old = new Date(Date.now() - 10 * 60_000);
    await utimes(lock, old, old);
    const log = new CustodyLog({ clock: new InstantClock(), tool: "t@1", operator: "a@h" });
    await log.append(temp.path, "requested", { actionId: "after-crash" });
    expect(existsSync(lock)).toBe(false);
    expect((await chainOf()).lines.map((l) => l.actionId)).toEqual(["after-crash"]);
  });

  it("continues a 0.1.0 log: the first new line chains to its last line, which verify reports as unchained", async () => {
    const legacy = [{ timestamp: "2026-01-01T00:00:00.000Z", event: "requested", actionId: "old", machineId: MACHINE_ID, operator: "o", tool: "t@0.1.0", details: {} }];
    await writeFile(join(temp.path, CUSTODY_LOG_NAME), legacy.map((l) => `${JSON.stringify(l)}\n`).join(""));
    const log = new CustodyLog({ clock: new InstantClock(), tool: "t@1", operator: "a@h" });
    await log.append(temp.path, "succeeded", { actionId: "old", machineId: MACHINE_ID });
    const chain = await chainOf();
    expect(chain.problem).toBeUndefined();
    expect(chain.legacyLines).toBe(1);
    expect(chain.lines).toHaveLength(2);
  });
});
