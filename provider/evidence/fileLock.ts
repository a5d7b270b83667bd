/**
 * An exclusive lock on an evidence location, so that concurrent writers (resources of one
 * `pulumi up`, or several stacks sharing a folder) extend the custody chain one at a time and
 * never fork it: each line's `prev` hash is computed and appended while the lock is held.
 *
 * Why a lock file rather than flock(2): Node has no flock, and a lock file works the same on
 * local disks and the network shares people keep evidence on. Within one process, callers are
 * queued per lock instead of spinning on the file.
 *
 * The protocol, and why each step:
 * - Take: the owner record (token, pid, host) is written to a private file first and then
 *   `link`ed to the lock's name, which fails with EEXIST when the lock is held. So a lock never
 *   exists without its owner record, and a waiter never mistakes a half-written lock for a dead one.
 * - A lock is identified by its inode and the hash of its record (`lockId`): a new lock at the same
 *   name is a different lock, even on an inode number the file system reused.
 * - Remove: whoever removes a lock, its owner releasing it or a waiter taking over a stale one,
 *   first creates `<lock>.break-<lockId>` with O_EXCL. Only one writer can, so only one writer may
 *   remove that lock; it checks that the name still holds *that* lock and unlinks it. The old
 *   check-then-delete let a waiter delete a lock another waiter had just taken, and a release
 *   delete a lock that was no longer its own.
 * - Stale: older than {@link STALE_LOCK_MS}, or recorded by a process of this host that no longer
 *   exists. A breaker that dies leaves its break file; one that is itself stale is passed by at the
 *   next level (`.break-<id>.2`, `.3`).
 */
import { createHash, randomBytes } from "node:crypto";
import { link, open, unlink } from "node:fs/promises";
import { hostname } from "node:os";
import { processSingleton } from "../util/registry";
import { describeFsError, EvidenceError } from "./errors";
import { openRegular, READ_REGULAR } from "./regularFile";

/** An append holds the lock for milliseconds; one older than this was left by a dead writer. */
export const STALE_LOCK_MS = 30_000;
/** How long a writer waits for a live lock before giving up with a clear error. */
export const LOCK_WAIT_MS = 120_000;
const BREAK_LEVELS = 3;

/** Each lock's queue of in-process callers; process-wide (../util/registry.ts), like the lock file. */
const inProcessQueues = () => processSingleton("evidence-locks", "folder", () => new Map<string, Promise<unknown>>());

/** A lock as found on disk. */
interface SeenLock {
  id: string;
  ageMs: number;
  owner?: { pid?: unknown; host?: unknown; token?: unknown };
}

/**
 * Runs `fn` while holding `<lockPath>` exclusively, in this process and across processes.
 * `failure` starts the message when the lock cannot be created (e.g. "cannot append to X").
 */
export async function withFileLock<T>(lockPath: string, fn: () => Promise<T>, failure = `cannot lock ${lockPath}`): Promise<T> {
  const inProcess = inProcessQueues();
  const before = inProcess.get(lockPath) ?? Promise.resolve();
  const run = before.then(async () => {
    const held = await acquire(lockPath, failure);
    let result: T;
    try {
      result = await fn();
    } catch (err) {
      await release(lockPath, held).catch(() => undefined);
      throw err;
    }
    await release(lockPath, held);
    return result;
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

async function acquire(lockPath: string, failure: string): Promise<string> {
  const started = Date.now();
  for (let attempt = 0; ; attempt++) {
    const held = await tryTake(lockPath, failure);
    if (held) return held;
    const seen = await inspect(lockPath);
    if (seen && isStale(seen)) {
      await breakLock(lockPath, seen, failure);
      continue;
    }
    if (!seen) continue; // released between our attempt and our look: try again at once
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

/** Creates the lock with its owner record in one step; its id, or undefined when it is held. */
async function tryTake(lockPath: string, failure: string): Promise<string | undefined> {
  const record = `${JSON.stringify({ token: randomBytes(16).toString("hex"), pid: process.pid, host: hostname(), acquiredUtc: new Date().toISOString() })}\n`;
  const candidate = `${lockPath}.${process.pid}-${randomBytes(4).toString("hex")}.tmp`;
  try {
    const fh = await open(candidate, "wx", 0o600);
    let ino: number;
    try {
      await fh.writeFile(record);
      ino = (await fh.stat()).ino;
    } finally {
      await fh.close();
    }
    try {
      await link(candidate, lockPath);
      return lockId(ino, record);
    } catch (err) {
      const code = (err as { code?: string }).code;
      if (code === "EEXIST") return undefined;
      if (code !== "EPERM" && code !== "ENOTSUP" && code !== "EOPNOTSUPP" && code !== "ENOSYS") throw err;
      return await takeWithoutLinks(lockPath, record);
    } finally {
      await unlink(candidate).catch(() => undefined);
    }
  } catch (err) {
    throw new EvidenceError("write", `${failure}: ${describeFsError(err)}`, { cause: err });
  }
}

/** File systems without hard links: O_EXCL create. The record follows within microseconds; a lock that young is never judged stale. */
async function takeWithoutLinks(lockPath: string, record: string): Promise<string | undefined> {
  let fh;
  try {
    fh = await open(lockPath, "wx", 0o600);
  } catch (err) {
    if ((err as { code?: string }).code === "EEXIST") return undefined;
    throw err;
  }
  try {
    await fh.writeFile(record);
    return lockId((await fh.stat()).ino, record);
  } finally {
    await fh.close();
  }
}

const lockId = (ino: number, record: string | Buffer) => `${ino}-${createHash("sha256").update(record).digest("hex").slice(0, 16)}`;

/** The lock now at `lockPath`, read through one descriptor (its inode, age and record agree); undefined when there is none. */
async function inspect(lockPath: string): Promise<SeenLock | undefined> {
  let fh;
  try {
    fh = await openRegular(lockPath, READ_REGULAR, `cannot read the lock ${lockPath}`);
  } catch (err) {
    if ((err as { code?: string }).code === "ENOENT") return undefined;
    throw err;
  }
  try {
    const [info, record] = [await fh.stat(), await fh.readFile()];
    let owner: SeenLock["owner"];
    try {
      owner = JSON.parse(record.toString("utf8"));
    } catch {
      owner = undefined; // an older writer's lock holds a bare pid: judged by age alone
    }
    return { id: lockId(info.ino, record), ageMs: Date.now() - info.mtimeMs, owner: typeof owner === "object" && owner !== null ? owner : undefined };
  } finally {
    await fh.close();
  }
}

function isStale(seen: SeenLock): boolean {
  if (seen.ageMs > STALE_LOCK_MS) return true;
  const { pid, host } = seen.owner ?? {};
  if (host !== hostname() || typeof pid !== "number" || !Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return false;
  } catch (err) {
    return (err as { code?: string }).code === "ESRCH"; // EPERM: alive, someone else's
  }
}

/**
 * Takes the right to remove lock `seen` (its break file, O_EXCL), then removes it if the name
 * still holds it. Returns true when this writer removed it, false when someone else has the
 * right (wait for them) or the lock was already gone.
 */
async function breakLock(lockPath: string, seen: SeenLock, failure: string): Promise<boolean> {
  const names = Array.from({ length: BREAK_LEVELS }, (_, i) => `${lockPath}.break-${seen.id}${i === 0 ? "" : `.${i + 1}`}`);
  let mine: string | undefined;
  for (const name of names) {
    if (await createExclusive(name, failure)) {
      mine = name;
      break;
    }
    const other = await inspect(name);
    if (!other || !isStale(other)) return false; // another writer is removing it right now, or just did
  }
  if (!mine) {
    throw new EvidenceError("write", `${failure}: ${BREAK_LEVELS} writers died while taking over ${lockPath}; remove ${lockPath} and its .break-* files if no \`pulumi up\` uses this location`);
  }
  try {
    const now = await inspect(lockPath);
    if (now?.id !== seen.id) return false;
    await unlink(lockPath);
    for (const name of names) if (name !== mine) await unlink(name).catch(() => undefined);
    return true;
  } finally {
    await unlink(mine).catch(() => undefined);
  }
}

/** Releases lock `id`: the same removal right as a takeover, so a lock taken over meanwhile is left to its new owner. */
async function release(lockPath: string, id: string): Promise<void> {
  const breaker = `${lockPath}.break-${id}`;
  const lost = () =>
    new EvidenceError(
      "write",
      `lost the lock ${lockPath} while holding it: another writer took it over (this one stalled for over ${STALE_LOCK_MS / 1000} s?); run \`mde-forensics verify\` on this location`,
    );
  if (!(await createExclusive(breaker, `cannot release ${lockPath}`))) throw lost();
  try {
    const now = await inspect(lockPath);
    if (now?.id !== id) throw lost();
    await unlink(lockPath);
  } finally {
    await unlink(breaker).catch(() => undefined);
  }
}

/** Creates `path` exclusively with this writer's pid; false when it exists. */
async function createExclusive(path: string, failure: string): Promise<boolean> {
  try {
    const fh = await open(path, "wx", 0o600);
    await fh.writeFile(`${JSON.stringify({ pid: process.pid, host: hostname() })}\n`).finally(() => fh.close());
    return true;
  } catch (err) {
    if ((err as { code?: string }).code === "EEXIST") return false;
    throw new EvidenceError("write", `${failure}: ${describeFsError(err)}`, { cause: err });
  }
}
