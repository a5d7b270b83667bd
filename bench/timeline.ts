/**
 * The emulator's view of a run: every request it answered, stamped with the emulated time and
 * classified by route. It is the same for every policy, so all measurements that can come from
 * it (wall times, calls by route, 429s, poll rounds) do.
 *
 * Source: the emulator's access log (`<real ISO time> <request id> <METHOD> <url> <status> <ms>ms`),
 * received through its `logger` option and stamped with the emulator's clock when it arrives.
 */

export type RouteKind =
  | "collect"
  | "listActions"
  | "getAction"
  | "getPackageUri"
  | "download"
  | "listMachines"
  | "findMachinesByTag"
  | "getMachine"
  | "cancel"
  | "token"
  | "other";

export interface TimelineEntry {
  /** Emulated ms since the run started. */
  t: number;
  method: string;
  route: RouteKind;
  status: number | "reset";
  /** For a list of actions: action ids (`id eq`) or machine ids (`machineId eq`) in its filter. */
  ids?: string[];
  machineIds?: string[];
  /** For a collect POST: the machine. */
  machineId?: string;
}

const ACCESS_LINE = /^\S+ \S+ ([A-Z]+) (\S+) (\d{3}|reset) \d+ms$/;

/** Parses one access-log line; `undefined` for anything else (warnings, control calls). */
export function parseAccessLine(line: string, t: number): TimelineEntry | undefined {
  const m = ACCESS_LINE.exec(line.trim());
  if (!m) return undefined;
  const [, method, rawUrl, status] = m;
  const url = new URL(rawUrl, "https://emulator.invalid");
  if (url.pathname.startsWith("/_emulator")) return undefined;
  const entry: TimelineEntry = { t, method, route: routeOf(method, url.pathname), status: status === "reset" ? "reset" : Number(status) };
  if (entry.route === "collect") entry.machineId = url.pathname.split("/").at(-2)?.toLowerCase();
  if (entry.route === "listActions") {
    const filter = url.searchParams.get("$filter") ?? "";
    const ids = [...filter.matchAll(/\bid eq '([^']+)'/g)].map((x) => x[1]);
    const machineIds = [...filter.matchAll(/\bmachineId eq '([^']+)'/g)].map((x) => x[1]);
    if (ids.length > 0) entry.ids = ids;
    if (machineIds.length > 0) entry.machineIds = machineIds;
  }
  return entry;
}

export function routeOf(method: string, pathname: string): RouteKind {
  const p = pathname.replace(/^\/api\/v1\.0\//i, "/api/").toLowerCase();
  if (method === "POST" && /^\/api\/machines\/[^/]+\/collectinvestigationpackage$/.test(p)) return "collect";
  if (method === "POST" && /^\/api\/machineactions\/[^/]+\/cancel$/.test(p)) return "cancel";
  if (p === "/api/machineactions") return "listActions";
  if (/^\/api\/machineactions\/[^/]+\/getpackageuri$/.test(p)) return "getPackageUri";
  if (/^\/api\/machineactions\/[^/]+$/.test(p)) return "getAction";
  if (p === "/api/machines/findbytag") return "findMachinesByTag";
  if (p === "/api/machines") return "listMachines";
  if (/^\/api\/machines\/[^/]+$/.test(p)) return "getMachine";
  if (p.startsWith("/safedownload/")) return "download";
  if (/\/oauth2\/(v2\.0\/)?token$/.test(p)) return "token";
  return "other";
}

export const ok = (e: TimelineEntry) => typeof e.status === "number" && e.status >= 200 && e.status < 300;

/** Collects entries as the emulator logs them. */
export class Timeline {
  readonly entries: TimelineEntry[] = [];
  private startMs = 0;
  /** `Date.now()` at `start()`, to place events timed by other processes on this timeline. */
  startedAtRealMs = 0;

  constructor(private readonly now: () => number) {}

  /** Starts the run's clock: entries are stamped relative to this instant. */
  start(): void {
    this.startMs = this.now();
    this.startedAtRealMs = Date.now();
    this.entries.length = 0;
  }

  /** Emulated ms since `start()`. */
  elapsed(): number {
    return this.now() - this.startMs;
  }

  /** The emulator's `logger` option. */
  readonly log = (line: string): void => {
    const entry = parseAccessLine(line, this.elapsed());
    if (entry) this.entries.push(entry);
  };
}
