/**
 * Deterministic identifiers. Tests, demos and benchmarks must be able to replay a run and get the
 * same action ids, machine ids and package bytes, so nothing here uses `Math.random` or
 * `crypto.randomUUID`: every value is a hash of the seed, a purpose label and a counter.
 * (Correlation ids in error bodies are the one exception; they are random on purpose, see server/pipeline.ts.)
 */
import { createHash } from "node:crypto";

/** SHA-256 of the joined parts, as a Buffer: the one primitive everything else derives from. */
export function digest(...parts: Array<string | number>): Buffer {
  return createHash("sha256").update(parts.join("\u0000")).digest();
}

/** Formats 16 bytes as an RFC 4122 version-4 GUID, the shape MDE uses for action ids. */
export function bytesToGuid(bytes: Buffer): string {
  const b = Buffer.from(bytes.subarray(0, 16));
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const h = b.toString("hex");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

/** A GUID derived from the seed and a label (e.g. a pre-seeded action's scenario index). */
export function guidFrom(seed: string, label: string): string {
  return bytesToGuid(digest(seed, "guid", label));
}

/** A 40-hex machine id derived from the seed and a label, like the ids in the Defender portal. */
export function machineIdFrom(seed: string, label: string): string {
  return digest(seed, "machine", label).toString("hex").slice(0, 40);
}

/**
 * Hands out action ids in sequence. The sequence number is part of the persisted state, so a
 * restarted emulator continues the same series instead of repeating ids it already issued.
 */
export class IdSequence {
  constructor(
    private readonly seed: string,
    private next: number = 0,
  ) {}

  /** The number of ids issued so far (persisted by the store). */
  get position(): number {
    return this.next;
  }

  nextGuid(purpose = "action"): string {
    const id = bytesToGuid(digest(this.seed, purpose, this.next));
    this.next += 1;
    return id;
  }
}

/**
 * A small seeded pseudo-random stream (SHA-256 in counter mode). Used for package contents and
 * fault rates, where the same seed must give the same bytes or the same decisions.
 */
export class SeededRandom {
  private counter = 0;
  private pool = Buffer.alloc(0);

  constructor(private readonly seed: string) {}

  /** `n` pseudo-random bytes. */
  bytes(n: number): Buffer {
    const chunks: Buffer[] = [this.pool];
    let have = this.pool.length;
    while (have < n) {
      const block = digest(this.seed, "stream", this.counter++);
      chunks.push(block);
      have += block.length;
    }
    const all = Buffer.concat(chunks);
    this.pool = all.subarray(n);
    return all.subarray(0, n);
  }

  /** A float in [0, 1). */
  next(): number {
    return this.bytes(6).readUIntBE(0, 6) / 2 ** 48;
  }

  /** An integer in [min, max]. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  pick<T>(items: readonly T[]): T {
    return items[this.int(0, items.length - 1)];
  }
}

/**
 * MDE timestamps carry seven fractional digits (`2024-01-24T01:36:28.7283693Z`); clients must
 * parse them tolerantly, so the emulator sends the real shape rather than JavaScript's three.
 */
export function wireTime(ms: number): string {
  return new Date(ms).toISOString().replace(/Z$/, "0000Z");
}
