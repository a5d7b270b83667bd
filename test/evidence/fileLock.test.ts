/**
 * The custody lock's protocol, in-process: a release never removes a lock that another writer
 * holds by then, and a stale lock is taken over once, by one writer. (Many processes racing over
 * a planted stale lock: lockRace.e2e.test.ts.)
 */
import { existsSync } from "node:fs";
import { readdir, readFile, unlink, utimes, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { STALE_LOCK_MS, withFileLock } from "../../provider/evidence/fileLock";
import { tempDirEachTest } from "./helpers/fixtures";

describe("file lock", () => {
  const temp = tempDirEachTest("lock");
  const lockPath = () => join(temp.path, "custody.jsonl.lock");

  async function plantStale(text = "4242\n") {
    await writeFile(lockPath(), text);
    const old = new Date(Date.now() - STALE_LOCK_MS - 60_000);
    await utimes(lockPath(), old, old);
  }

  it("records who holds it, and leaves nothing behind after release", async () => {
    await withFileLock(lockPath(), async () => {
      const owner = JSON.parse(await readFile(lockPath(), "utf8"));
      expect(owner).toMatchObject({ pid: process.pid, token: expect.stringMatching(/^[0-9a-f]{32}$/) });
    });
    expect(await readdir(temp.path)).toEqual([]);
  });

  it("does not remove, on release, a lock another writer took over meanwhile", async () => {
    await expect(
      withFileLock(lockPath(), async () => {
        // Another writer judged this lock stale and took it: its lock is now the one on disk.
        await unlink(lockPath());
        await writeFile(lockPath(), JSON.stringify({ pid: 1, token: "f".repeat(32) }));
      }),
    ).rejects.toThrow(/lost the lock .*custody\.jsonl\.lock.* another writer took it over/);
    expect(JSON.parse(await readFile(lockPath(), "utf8")).token).toBe("f".repeat(32));
  });

  it("takes over a stale lock, and a fresh one is never judged stale", async () => {
    await plantStale();
    let ran = false;
    await withFileLock(lockPath(), async () => {
      ran = true;
      expect(JSON.parse(await readFile(lockPath(), "utf8")).pid).toBe(process.pid);
    });
    expect(ran).toBe(true);
    expect(existsSync(lockPath())).toBe(false);
    expect((await readdir(temp.path)).filter((n) => n !== "custody.jsonl.lock")).toEqual([]);
  });

  it("takes over a lock whose writer is gone (same host, no such process) without waiting for it to age", async () => {
    await writeFile(lockPath(), JSON.stringify({ pid: 2 ** 22 + 17, host: require("node:os").hostname(), token: "a".repeat(32) }));
    const started = Date.now();
    await withFileLock(lockPath(), async () => undefined);
    expect(Date.now() - started).toBeLessThan(STALE_LOCK_MS / 2);
  });
});
