/**
 * What the emulator has seen, for assertions ("the client POSTed exactly once", "it asked for the
 * link once", "it backed off after the 429"). Kept in memory only: they observe a run, they are
 * not state the service's behaviour depends on.
 */

export interface CountersSnapshot {
  /** Route name (e.g. `POST /api/machines/{id}/collectInvestigationPackage`) → status (or `reset`) → count. */
  requests: Record<string, Record<string, number>>;
  /** Machine id (as sent in the path, lower-cased) → collect POSTs received, whatever their outcome. */
  collectPosts: Record<string, number>;
  /** Action id → GetPackageUri calls received, whatever their outcome. */
  packageUriCalls: Record<string, number>;
  /** Action id → package downloads served (200). */
  packageDownloads: Record<string, number>;
  /** Action id → times the action was in a reply to GET machineactions/{id} or the list: a client has seen its status. */
  actionReads: Record<string, number>;
  /** 429 replies sent, from quotas and from injected faults. */
  tooManyRequests: number;
  /** Faults injected (status replies, resets, delays). */
  faultsInjected: number;
  /** Access tokens issued by the token endpoint. */
  tokensIssued: number;
}

export class Counters {
  private data: CountersSnapshot = Counters.empty();

  private static empty(): CountersSnapshot {
    return { requests: {}, collectPosts: {}, packageUriCalls: {}, packageDownloads: {}, actionReads: {}, tooManyRequests: 0, faultsInjected: 0, tokensIssued: 0 };
  }

  request(route: string, status: number | "reset"): void {
    const byStatus = (this.data.requests[route] ??= {});
    byStatus[String(status)] = (byStatus[String(status)] ?? 0) + 1;
    if (status === 429) this.data.tooManyRequests++;
  }

  bump(kind: "collectPosts" | "packageUriCalls" | "packageDownloads" | "actionReads", key: string): void {
    this.data[kind][key] = (this.data[kind][key] ?? 0) + 1;
  }

  fault(): void {
    this.data.faultsInjected++;
  }

  token(): void {
    this.data.tokensIssued++;
  }

  /** A deep copy, safe to keep while the emulator runs on. */
  snapshot(): CountersSnapshot {
    return structuredClone(this.data);
  }

  reset(): void {
    this.data = Counters.empty();
  }
}
