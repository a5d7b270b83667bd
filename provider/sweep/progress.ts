/**
 * A sweep's progress as one summary line when its counts change, at most one every
 * `minIntervalMs` (a change in between is shown at the end of the interval), instead of a line
 * per machine per poll:
 *
 *   sweep inc-2041: 640/1000 Succeeded, 12 Failed, 300 running, 48 to request; collect quota: next slot in 12 s
 */
import type { Clock } from "../util/clock";
import { MACHINE_STATUSES } from "./state";

/** Not requested yet (waiting for the adoption pre-check or a collect quota slot), running, or a final status. */
export type MachinePhase = "queued" | "running" | (typeof MACHINE_STATUSES)[number];

export interface ProgressOptions {
  sweepName: string;
  clock: Clock;
  log: (line: string) => void;
  /** Milliseconds until the collect quota's next free slot, when known. */
  nextCollectSlotMs?: () => number | undefined;
  /** @default 10 000 (real time: the line is for people) */
  minIntervalMs?: number;
}

export class SweepProgress {
  private readonly phases = new Map<string, MachinePhase>();
  private lastLine = "";
  private lastAt = -Infinity;
  private timer?: AbortController;

  /** `initial`: where each machine stands before any work; the first line comes with the first change. */
  constructor(
    private readonly o: ProgressOptions,
    initial: Iterable<[string, MachinePhase]> = [],
  ) {
    for (const [id, phase] of initial) this.phases.set(id, phase);
  }

  set(machineId: string, phase: MachinePhase): void {
    if (this.phases.get(machineId) === phase) return;
    this.phases.set(machineId, phase);
    const wait = this.lastAt + (this.o.minIntervalMs ?? 10_000) - this.o.clock.now();
    if (wait <= 0) this.emit();
    else if (!this.timer) {
      const timer = new AbortController();
      this.timer = timer;
      this.o.clock.sleep(wait, timer.signal).then(() => this.emit(), () => undefined);
    }
  }

  /** The last line, whatever the interval; stops the pending one. */
  finish(): void {
    this.emit();
  }

  /** The current summary line. */
  line(): string {
    const counts = new Map<MachinePhase, number>();
    for (const p of this.phases.values()) counts.set(p, (counts.get(p) ?? 0) + 1);
    const parts = [`${counts.get("Succeeded") ?? 0}/${this.phases.size} Succeeded`];
    for (const s of MACHINE_STATUSES) if (s !== "Succeeded" && !["Pending", "InProgress"].includes(s) && counts.get(s)) parts.push(`${counts.get(s)} ${s}`);
    const running = (counts.get("running") ?? 0) + (counts.get("Pending") ?? 0) + (counts.get("InProgress") ?? 0);
    if (running) parts.push(`${running} running`);
    const queued = counts.get("queued") ?? 0;
    let quota = "";
    if (queued) {
      parts.push(`${queued} to request`);
      const next = this.o.nextCollectSlotMs?.();
      if (next !== undefined) quota = `; collect quota: next slot ${next <= 0 ? "free" : `in ${Math.ceil(next / 1000)} s`}`;
    }
    return `sweep ${this.o.sweepName}: ${parts.join(", ")}${quota}`;
  }

  private emit(): void {
    this.timer?.abort();
    this.timer = undefined;
    const line = this.line();
    // The quota part alone changing is not news.
    if (line.replace(/; collect quota.*$/, "") === this.lastLine.replace(/; collect quota.*$/, "")) return;
    this.lastLine = line;
    this.lastAt = this.o.clock.now();
    this.o.log(line);
  }
}
