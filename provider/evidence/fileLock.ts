/**
 * An exclusive lock on an evidence location, so that concurrent writers (resources of one
 * `pulumi up`, or several stacks sharing a folder) extend the custody chain one at a time and
 * never fork it: each line's `prev` hash is computed and appended while the lock is held.
 *
 * Why a lock file rather than flock(2): Node has no flock, and a lock file created with O_EXCL
 * works the same on local disks and the network shares people keep evidence on. Within one
 * process, callers are queued per lock instead of spinning on the file. A lock left by a writer
 * that died is taken over once it is older than any append could take.
 */
import { open, stat, unlink } from "node:fs/promises";
import { processSingleton } from "../util/registry";
import { describeFsError, EvidenceError } from "./errors";

/** An append holds the lock for milliseconds; one older than this was left by a dead writer. */
export const STALE_LOCK_MS = 30_000;
/** How long a writer waits for a live lock before giving up with a clear error. */
export const LOCK_WAIT_MS = 120_000;

/** Each lock's queue of in-process callers; process-wide (../util/registry.ts), like the lock file. */
const inProcessQueues = () => processSingleton("evidence-locks", "folder", () => new Map<string, Promise<unknown>>());

/**
 * Runs `fn` while holding `<lockPath>` exclusively, in this process and across processes.
 * `failure` starts the message when the lock cannot be created (e.g. "cannot append to X").
 */
export async function withFileLock<T>(lockPath: string, fn: () => Promise<T>, failure = `cannot lock ${lockPath}`): Promise<T> {
  const inProcess = inProcessQueues();
  const before = inProcess.get(lockPath) ?? Promise.resolve();
  const run = before.then(async () => {
    await acquire(lockPath, failure);
    try {
      return await fn();
    } finally {
      await unlink(lockPath).catch(() => undefined);
    }
  });
  const settled = run.then(
    () => undefined,
    () => undefined,
  );
  inProcess.set(lockPath, settled);
  void settled.then(() => {
    if (inProcess.get(lockPath) === settled) inProcess.delete(lockPath);
  });
  return run;
}

async function acquire(lockPath: string, failure: string): Promise<void> {
  const started = Date.now();
  for (let attempt = 0; ; attempt++) {
    try {
      const fh = await open(lockPath, "wx", 0o600);
      await fh.writeFile(`${process.pid}\n`).finally(() => fh.close());
      return;
    } catch (err) {
      if ((err as { code?: string }).code !== "EEXIST") {
        throw new EvidenceError("write", `${failure}: ${describeFsError(err)}`, { cause: err });
      }
    }
    const age = await stat(lockPath).then((s) => Date.now() - s.mtimeMs, () => 0);
    if (age > STALE_LOCK_MS) {
      await unlink(lockPath).catch(() => undefined); // a dead writer's lock; the O_EXCL retry settles races
      continue;
    }
    if (Date.now() - started > LOCK_WAIT_MS) {
      throw new EvidenceError(
        "write",
        `${lockPath} has been held by another writer for over ${LOCK_WAIT_MS / 1000} s; if no other \`pulumi up\` uses this evidence location, remove it`,
      );
    }
    // Jittered: two writers that collided should not collide again in lockstep.
    await new Promise((r) => setTimeout(r, Math.min(100, 5 * 2 ** Math.min(attempt, 4)) * (0.5 + Math.random())));
  }
}
