/**
 * While a sweep runs, its summary line reports the collect quota ("next slot in 12 s"), and the
 * client's line per waiting call ("MDE collect quota: waiting 28.0 s for a free slot.") would
 * be one line per machine: those are dropped until the last running sweep of the process ends.
 * The client reports each wait as an event (../api/clientPipeline.ts, `onQuotaWait`), and the
 * provider context (../resource/contextFactory.ts) asks here whether to write its line.
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

/** True while a sweep summarises quota waits: a wait then gets no line of its own. */
export function quotaWaitsSummarised(): boolean {
  return summarising().sweeps > 0;
}
