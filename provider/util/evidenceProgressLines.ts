/**
 * While a sweep runs, its summary line stands for every machine, and the evidence handler's
 * lines per package ("downloading to …", "12.3 MiB in 0.4 s …", "already kept …") would be two
 * per machine: about 2,000 at 1,000 machines (docs/operations.md: per-machine lines are left
 * out). The sweep runs each machine's evidence calls inside {@link quietEvidenceProgress}
 * (../sweep/context.ts); the sink the provider context hands the handler
 * (../resource/contextFactory.ts) asks {@link evidenceProgressQuiet} before writing a line.
 *
 * Scoped by async context, not a process-wide switch as quota waits are (./quotaWaitLines.ts):
 * one provider process serves a stack's sweeps and its single collections at once, and a single
 * collection keeps its lines while a sweep runs beside it. The scope follows a fetch into the
 * package fetch queue (../evidence/fetchQueue.ts): a job queued behind others runs in the
 * context of the call that queued it. A single collection that joins a fetch a sweep started
 * (the same MDE collection) gets no lines of its own for that package.
 *
 * Process-wide (see registry.ts): every loaded copy of the package must consult one scope.
 */
import { AsyncLocalStorage } from "node:async_hooks";
import { processSingleton } from "./registry";

const scope = () => processSingleton("evidence-progress-lines", "quiet", () => new AsyncLocalStorage<true>());

/** Runs `work` with the evidence handler's lines left out, for every line it leads to. */
export function quietEvidenceProgress<T>(work: () => Promise<T>): Promise<T> {
  return scope().run(true, work);
}

/** True inside {@link quietEvidenceProgress}: the evidence handler's line is dropped. */
export function evidenceProgressQuiet(): boolean {
  return scope().getStore() === true;
}
