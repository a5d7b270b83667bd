/**
 * Every parser reads untrusted bytes, so each has a ceiling (bytes, rows, records, field width)
 * and says what it left out and why, instead of failing the whole report or quietly dropping
 * rows. A responder reading "Processes.csv: stopped after 100000 rows" knows the table is partial.
 */
export interface ReadLimits {
  /** Uncompressed bytes read from one text or CSV entry. */
  textBytes: number;
  /** Uncompressed bytes read from Security.evtx. */
  evtxBytes: number;
  /** Uncompressed bytes read from a whole package (a ZIP bomb stops here). */
  packageBytes: number;
  /** Rows of one CSV or lines of one text file. */
  rows: number;
  /** Characters of one CSV field or text line (longer ones are cut, and counted). */
  fieldChars: number;
  /** EVTX records read from one log. */
  records: number;
  /** Security events kept per device for findings and the timeline (counts stay exact). */
  keptEvents: number;
  /** Compressed-to-uncompressed ratio above which an entry is not inflated at all. */
  maxRatio: number;
}

export const DEFAULT_LIMITS: ReadLimits = {
  textBytes: 32 * 1024 * 1024,
  evtxBytes: 1024 * 1024 * 1024,
  packageBytes: 2 * 1024 * 1024 * 1024,
  rows: 200_000,
  fieldChars: 32 * 1024,
  records: 5_000_000,
  keptEvents: 20_000,
  maxRatio: 200,
};

/** One thing a parser did not read, with where and why. */
export interface Skipped {
  /** Path inside the ZIP. */
  path: string;
  reason: string;
  /** Line (text) or record/chunk number (EVTX) where it happened, when there is one. */
  line?: number;
}

/** Collects skip notes for one entry, merging repeats ("line 7: field cut" x 1000 becomes one note with a count). */
export class SkipLog {
  private readonly notes = new Map<string, Skipped & { count: number }>();

  constructor(private readonly path: string) {}

  add(reason: string, line?: number): void {
    const seen = this.notes.get(reason);
    if (seen) seen.count++;
    else this.notes.set(reason, { path: this.path, reason, line, count: 1 });
  }

  list(): Skipped[] {
    return [...this.notes.values()].map(({ count, ...n }) => (count > 1 ? { ...n, reason: `${n.reason} (${count} times, first at ${n.line ?? "?"})` } : n));
  }
}
