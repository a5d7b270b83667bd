/**
 * The scenario's running collections (the analyst's, started from the portal) must still be
 * running when `pulumi up` gets to them, however slow the machine running the drill is: a
 * collection that finishes first would be requested again instead of adopted, and the drill
 * would fail for the machine's speed, not for anything the team did. So they are held until the
 * up has read them, then finish as the scenario plans (at once if that time has passed).
 */
import type { EmulatorHandle } from "pulumi-mde-forensics/emulator";

/** Holds the scenario's unfinished collections; the returned function stops watching for reads. */
export function holdSeededUntilSeen(emulator: EmulatorHandle): () => void {
  const ids = emulator.scenario.actions.flatMap((a) => (a.id ? [a.id] : []));
  const held = ids.filter((id) => ["Pending", "InProgress"].includes(emulator.actions.get(id)?.status ?? ""));
  held.forEach((id) => emulator.actions.hold(id));
  const timer = setInterval(() => {
    const reads = emulator.counters().actionReads;
    for (const id of held) if ((reads[id] ?? 0) > 0 && emulator.actions.get(id)?.held) emulator.actions.release(id);
  }, 100);
  return () => {
    clearInterval(timer);
    held.forEach((id) => emulator.actions.release(id));
  };
}
