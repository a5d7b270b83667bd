/**
 * MDE's documented quotas (mde-api.md §2, §4, §5, §7), enforced with sliding windows per tenant,
 * application and API. Windows are measured on the emulator's clock, so with `--time-scale N`
 * a 60 s window lasts 60/N real seconds; `Retry-After` is converted back to real seconds.
 * Each API has its own counter (the docs give limits per API page); the limits themselves are
 * configured per family: collect, cancel, reads and packageUri. The documented numbers are the
 * client's (provider/api/quotas.ts `MDE_QUOTAS`), so the emulator enforces exactly what the
 * client's limiter plans for.
 */
import { HOUR_MS, MDE_QUOTAS, MINUTE_MS, type ApiFamily } from "../../provider/api/quotas";
import type { QuotaOverrides } from "../scenario/scenarioSchema";

export type QuotaFamily = "collect" | "cancel" | "reads" | "packageUri";

export interface QuotaLimit {
  max: number;
  windowSeconds: number;
}

export interface QuotaConfig {
  limits: Record<QuotaFamily, QuotaLimit[]>;
  /** Refused calls count too, as MDE warns that retrying early extends the 429s. @default true */
  countRejected: boolean;
}

/** The client's name for each family: the scenario file says `reads` where the client says `read`. */
const CLIENT_FAMILY: Record<QuotaFamily, ApiFamily> = { collect: "collect", cancel: "cancel", reads: "read", packageUri: "packageUri" };

/** MDE's per-minute and per-hour limits of one family, as sliding windows. */
function documentedLimits(family: QuotaFamily): QuotaLimit[] {
  const quota = MDE_QUOTAS[CLIENT_FAMILY[family]];
  return [
    { max: quota.perMinute, windowSeconds: MINUTE_MS / 1000 },
    { max: quota.perHour, windowSeconds: HOUR_MS / 1000 },
  ];
}

export const DEFAULT_QUOTAS: QuotaConfig = {
  limits: {
    collect: documentedLimits("collect"),
    cancel: documentedLimits("cancel"),
    reads: documentedLimits("reads"),
    packageUri: documentedLimits("packageUri"),
  },
  countRejected: true,
};

/** Later overrides win, family by family. */
export function mergeQuotas(...overrides: Array<QuotaOverrides | undefined>): QuotaConfig {
  const merged: QuotaConfig = { limits: { ...DEFAULT_QUOTAS.limits }, countRejected: DEFAULT_QUOTAS.countRejected };
  for (const o of overrides) {
    if (!o) continue;
    for (const family of Object.keys(merged.limits) as QuotaFamily[]) {
      if (o[family]) merged.limits[family] = o[family];
    }
    if (o.countRejected !== undefined) merged.countRejected = o.countRejected;
  }
  return merged;
}

export type QuotaVerdict = { ok: true } | { ok: false; retryAfterMs: number; limit: QuotaLimit };

export class QuotaTracker {
  private readonly hits = new Map<string, number[]>();

  constructor(private readonly config: QuotaConfig) {}

  /**
   * Records a call to `api` (in `family`) by `caller` at `nowMs`. Refused when any window is
   * full; the wait is until enough calls have left the window for one more to fit.
   */
  take(caller: string, family: QuotaFamily, api: string, nowMs: number): QuotaVerdict {
    const limits = this.config.limits[family];
    const key = `${caller}|${api}`;
    const longest = Math.max(...limits.map((l) => l.windowSeconds)) * 1000;
    const hits = (this.hits.get(key) ?? []).filter((t) => t > nowMs - longest);
    this.hits.set(key, hits);
    const violated = limits.filter((l) => hits.filter((t) => t > nowMs - l.windowSeconds * 1000).length >= l.max);
    if (violated.length === 0 || this.config.countRejected) hits.push(nowMs);
    if (violated.length === 0) return { ok: true };
    let worst = { wait: 0, limit: violated[0] };
    for (const l of violated) {
      const inWindow = hits.filter((t) => t > nowMs - l.windowSeconds * 1000);
      const k = inWindow.length - l.max;
      const wait = k < 0 ? 0 : inWindow[k] + l.windowSeconds * 1000 - nowMs;
      if (wait > worst.wait) worst = { wait, limit: l };
    }
    return { ok: false, retryAfterMs: Math.max(1, worst.wait), limit: worst.limit };
  }

  reset(): void {
    this.hits.clear();
  }
}

/** Emulated milliseconds → the real seconds a client must wait, rounded up, at least 1. */
export function retryAfterSeconds(emulatedMs: number, timeScale: number): number {
  return Math.max(1, Math.ceil(emulatedMs / timeScale / 1000));
}
