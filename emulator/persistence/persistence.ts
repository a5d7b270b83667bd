/**
 * Crash-safe state on disk: the whole state is one JSON document replaced atomically.
 * A save writes a temp file in the same folder, fsyncs it, renames it over the old file and
 * fsyncs the folder, so at every instant `state.json` is either the previous or the next
 * complete state. A crash mid-write leaves at most a stray temp file, which `load` deletes.
 * The state is small (actions and a few counters; machines come from the scenario), so a full
 * rewrite per change is cheaper to reason about than a write-ahead log.
 */
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, rmSync, writeSync } from "node:fs";
import { join } from "node:path";
import { ForensicsError } from "../../provider/util/error";

const FILE = "state.json";
const TEMP_PREFIX = `${FILE}.tmp-`;

export interface AtomicFileHooks {
  /** Called after the temp file is durable and before the rename; tests throw here to simulate a crash. */
  beforeRename?: (tempPath: string) => void;
}

export class AtomicJsonFile {
  private writes = 0;
  readonly path: string;

  constructor(
    readonly dir: string,
    private readonly hooks: AtomicFileHooks = {},
  ) {
    mkdirSync(dir, { recursive: true });
    this.path = join(dir, FILE);
  }

  /** The last completely written document, or `undefined` on a fresh folder. Stray temp files are removed. */
  load(): unknown {
    for (const name of readdirSync(this.dir)) {
      if (name.startsWith(TEMP_PREFIX)) rmSync(join(this.dir, name), { force: true });
    }
    if (!existsSync(this.path)) return undefined;
    const text = readFileSync(this.path, "utf8");
    try {
      return JSON.parse(text);
    } catch (e) {
      // Cannot happen through save(); someone edited the file by hand. Refuse rather than start empty.
      throw new ForensicsError(`emulator state ${this.path} is not valid JSON (${(e as Error).message}); fix or delete it`);
    }
  }

  /** Durably replaces the document. Synchronous, so a reply is only sent after its change is on disk. */
  save(value: unknown): void {
    const temp = join(this.dir, `${TEMP_PREFIX}${process.pid}-${this.writes++}`);
    const fd = openSync(temp, "w", 0o600);
    try {
      writeSync(fd, JSON.stringify(value));
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    this.hooks.beforeRename?.(temp);
    renameSync(temp, this.path);
    syncDir(this.dir);
  }
}

/** Makes the rename itself durable (POSIX); a no-op where folders cannot be opened (Windows). */
function syncDir(dir: string): void {
  let fd: number | undefined;
  try {
    fd = openSync(dir, "r");
    fsyncSync(fd);
  } catch {
    // best effort: not supported on this platform
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}
