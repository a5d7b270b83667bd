/**
 * Injected faults, so clients can be tested against what the real service and network do:
 * 429/500/503 replies, dropped connections and slow replies, by route, method or path, at a rate
 * (seeded, so runs repeat) or on a schedule (skip N, then every Mth, at most K times). A fault
 * `when: "after"` strikes after the request was received and fully processed, which reproduces
 * the ambiguous case of a collect POST that created an action but whose reply never arrived;
 * `when: "midBody"` cuts the connection partway through the reply's body (a download cut
 * mid-stream). A rule can be active for a window only (`forMs`, on the emulated or the real
 * clock: "the token endpoint is down for 20 s") and a named rule can be cleared on its own.
 */
import { z } from "zod";
import type { Clock } from "../../provider/util/clock";
import { SeededRandom } from "../util/ids";

export const FaultRuleSchema = z.strictObject({
  /** Lets `DELETE /_emulator/faults/{name}` clear this rule alone. */
  name: z.string().min(1).optional(),
  /** A route id (e.g. `collect`, `getAction`, `getPackageUri`, `download`, `token`; see server/routes.ts). */
  route: z.string().optional(),
  method: z.string().optional(),
  /** A path glob, case-insensitive: `*` is one segment, `**` any number. */
  path: z.string().optional(),
  type: z.enum(["status", "reset", "latency"]),
  /** For `status`. @default 503 */
  status: z.union([z.literal(429), z.literal(500), z.literal(503)]).optional(),
  /** Sent with a 429 or 503. @default 1 */
  retryAfterSeconds: z.number().int().nonnegative().optional(),
  /** Real milliseconds, for `latency`. */
  latencyMs: z.number().nonnegative().optional(),
  /**
   * `before`: instead of processing; `after`: once the body was read and the request processed;
   * `midBody` (type `reset` only): the reply's headers and first `afterBytes` bytes are sent,
   * then the connection is dropped. @default "before"
   */
  when: z.enum(["before", "after", "midBody"]).default("before"),
  /** For `midBody`: body bytes sent before the cut. @default half the body */
  afterBytes: z.number().int().nonnegative().optional(),
  /** Active for this many milliseconds after the rule was added, then inert. @default forever */
  forMs: z.number().positive().optional(),
  /** Which clock `forMs` runs on: the emulator's (manual or scaled) or the wall clock. @default "emulated" */
  clock: z.enum(["emulated", "real"]).default("emulated"),
  /** When the `forMs` window opens: when the rule is added, or at the first request it matches. @default "added" */
  from: z.enum(["added", "firstMatch"]).default("added"),
  /** Probability in [0, 1] per matching request. @default 1 */
  rate: z.number().min(0).max(1).optional(),
  /** Matching requests (counted by this rule, whatever other rules did to them) to let through first. @default 0 */
  skip: z.number().int().nonnegative().optional(),
  /** Strike every Nth matching request after `skip`. @default 1 */
  every: z.number().int().positive().optional(),
  /** Stop after striking this many times. @default unlimited */
  count: z.number().int().positive().optional(),
})
  .refine((r) => r.when !== "midBody" || r.type === "reset", { message: "when: \"midBody\" only goes with type: \"reset\"", path: ["when"] })
  .refine((r) => r.afterBytes === undefined || r.when === "midBody", { message: "afterBytes only goes with when: \"midBody\"", path: ["afterBytes"] });
export type FaultRuleInput = z.input<typeof FaultRuleSchema>;
export type FaultRule = z.output<typeof FaultRuleSchema>;

export const FaultListSchema = z.union([z.array(FaultRuleSchema), FaultRuleSchema.transform((r) => [r])]);

export type FaultPhase = "before" | "after" | "midBody";
export type FaultEffect = { type: "status"; status: 429 | 500 | 503; retryAfterSeconds: number } | { type: "reset"; afterBytes?: number };
export interface FaultDecision {
  latencyMs: number;
  effect?: FaultEffect;
}

interface ActiveRule {
  rule: FaultRule;
  seen: number;
  struck: number;
  random: SeededRandom;
  pathRe?: RegExp;
  /** When the rule stops striking (ms on its clock); `Infinity` without `forMs`; NaN until its first match with `from: "firstMatch"`. */
  endsAt: number;
}

export class FaultInjector {
  private rules: ActiveRule[] = [];
  private added = 0;

  constructor(
    private readonly seed: string,
    rules: FaultRuleInput[] = [],
    private readonly clock: Pick<Clock, "now"> = { now: Date.now },
  ) {
    this.add(rules);
  }

  /** Validates and appends rules; throws a ZodError on a bad rule. */
  add(input: unknown): FaultRule[] {
    const rules = FaultListSchema.parse(input);
    for (const rule of rules) {
      const endsAt = rule.forMs === undefined ? Infinity : rule.from === "added" ? this.nowOn(rule.clock) + rule.forMs : NaN;
      this.rules.push({ rule, seen: 0, struck: 0, random: new SeededRandom(`${this.seed}|fault|${this.added++}`), pathRe: rule.path ? globToRegExp(rule.path) : undefined, endsAt });
    }
    return this.list();
  }

  /** Clears every rule, or the rules called `name`; says whether any was cleared. */
  clear(name?: string): boolean {
    const before = this.rules.length;
    this.rules = name === undefined ? [] : this.rules.filter((r) => r.rule.name !== name);
    return this.rules.length < before;
  }

  list(): FaultRule[] {
    return this.rules.map((r) => r.rule);
  }

  /** Which faults hit this request in this phase. Latencies add up; the first status/reset wins. */
  decide(phase: FaultPhase, req: { route: string; method: string; path: string }): FaultDecision {
    const decision: FaultDecision = { latencyMs: 0 };
    for (const r of this.rules) {
      const { rule } = r;
      if (rule.when !== phase) continue;
      if (rule.route && rule.route.toLowerCase() !== req.route.toLowerCase()) continue;
      if (rule.method && rule.method.toUpperCase() !== req.method.toUpperCase()) continue;
      if (r.pathRe && !r.pathRe.test(req.path)) continue;
      if (Number.isNaN(r.endsAt)) r.endsAt = this.nowOn(rule.clock) + rule.forMs!;
      if (this.nowOn(rule.clock) >= r.endsAt) continue;
      // Every rule counts every matching request, so schedules do not depend on other rules.
      r.seen++;
      if (rule.type !== "latency" && decision.effect) continue;
      const n = r.seen - (rule.skip ?? 0);
      if (n <= 0 || (n - 1) % (rule.every ?? 1) !== 0) continue;
      if (rule.count !== undefined && r.struck >= rule.count) continue;
      if (rule.rate !== undefined && r.random.next() >= rule.rate) continue;
      r.struck++;
      if (rule.type === "latency") decision.latencyMs += rule.latencyMs ?? 0;
      else if (rule.type === "reset") decision.effect = rule.when === "midBody" ? { type: "reset", afterBytes: rule.afterBytes } : { type: "reset" };
      else decision.effect = { type: "status", status: rule.status ?? 503, retryAfterSeconds: rule.retryAfterSeconds ?? 1 };
    }
    return decision;
  }

  private nowOn(clock: FaultRule["clock"]): number {
    return clock === "real" ? Date.now() : this.clock.now();
  }
}

/** `/api/machines/*\/collect*` → a case-insensitive RegExp on the whole path. */
export function globToRegExp(glob: string): RegExp {
  let re = "";
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i];
    if (c === "*" && glob[i + 1] === "*") { re += ".*"; i++; }
    else if (c === "*") re += "[^/]*";
    else re += c.replace(/[.+?^${}()|[\]\\]/g, "\\$&");
  }
  return new RegExp(`^${re}$`, "i");
}
