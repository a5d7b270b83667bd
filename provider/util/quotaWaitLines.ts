/**
 * While a sweep runs, its summary line reports the collect quota ("next slot in 12 s"), and the
 * client's line per waiting call ("MDE collect quota: waiting 28.0 s for a free slot.") would
 * be one line per machine: those are dropped until the last running sweep of the process ends.
 * Process-wide (see registry.ts) because the client and its logger are.
 */
import { processSingleton } from "./registry";

const summarising = () => processSingleton("quota-wait-lines", "summarising", () => ({ sweeps: 0 }));

/** Marks a sweep as running; call the returned function when it ends. */
export function summariseQuotaWaits(): () => void {
  summarising().sweeps++;
  let done = false;
  return () => {
    if (!done) summarising().sweeps--;
    done = true;
  };
}

/** True for a per-call quota wait line while a sweep summarises them. */
export function isSummarisedQuotaWait(line: string): boolean {
  return summarising().sweeps > 0 && /^MDE \w+ quota: waiting /.test(line);
}
