/**
 * Routing: what a route is (which handler serves which method and path, what family of quota it
 * draws on and which application roles it needs), how the server compiles the table
 * (routes.ts) once it starts, and how it matches a request. Paths match case-insensitively
 * (ASP.NET routing is, which is why both `GetPackageUri` and `getPackageUri` work) and
 * `/api/v1.0/...` is the same as `/api/...` (mde-api.md §1). Route ids name routes in counters
 * and fault rules.
 */
import type { Handler } from "../handlers/handler";
import type { QuotaFamily } from "./quotas";

export interface RouteDef {
  id: string;
  method: string;
  pattern: string;
  handler: Handler;
  /** Bearer token required (all of `/api`). */
  auth?: boolean;
  /** Any one of these roles is enough. */
  roles?: readonly string[];
  family?: QuotaFamily;
}

export interface CompiledRoute extends RouteDef {
  /** `METHOD /pattern`, the name used in counters. */
  name: string;
  regex: RegExp;
  keys: string[];
}

export function compileRoutes(defs: RouteDef[]): CompiledRoute[] {
  return defs.map((d) => {
    const keys: string[] = [];
    const source = d.pattern
      .split("/")
      .map((seg) => {
        const m = /^\{(\w+)\}$/.exec(seg);
        if (!m) return seg.replace(/[.+?^${}()|[\]\\]/g, "\\$&");
        keys.push(m[1]);
        return "([^/]+)";
      })
      .join("/");
    return { ...d, name: `${d.method} ${d.pattern}`, regex: new RegExp(`^${source}$`, "i"), keys };
  });
}

/** `/api/v1.0/machines/` → `/api/machines`. */
export function normalisePath(path: string): string {
  const p = path.replace(/^\/api\/v1\.0(?=\/|$)/i, "/api").replace(/\/+$/, "");
  return p === "" ? "/" : p;
}

export type Match = { route: CompiledRoute; params: Record<string, string> } | { route?: undefined; methodMismatch: boolean };

export function matchRoute(routes: CompiledRoute[], method: string, path: string): Match {
  let methodMismatch = false;
  for (const route of routes) {
    const m = route.regex.exec(path);
    if (!m) continue;
    if (route.method !== method) {
      methodMismatch = true;
      continue;
    }
    const params: Record<string, string> = {};
    route.keys.forEach((k, i) => (params[k] = decodeURIComponent(m[i + 1])));
    return { route, params };
  }
  return { methodMismatch };
}
