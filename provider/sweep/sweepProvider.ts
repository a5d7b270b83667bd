/**
 * The sweep's dynamic provider, loaded by the serialized shim (shim.ts) from the installed
 * package (`pulumi-mde-forensics/sweep-runtime`), like the single collection's provider: the
 * shim is stored once per sweep, whatever the number of machines.
 *
 * The resource id is the sweep's name; the sweep is never replaced, only updated machine by
 * machine (plan.ts), so a change of round or selection never drops what was collected.
 */
import { checkQuotaLedgerSettings } from "../api/settings";
import { ResourceInitError } from "../resource/initError";
import { type Untyped as Props, withStackConfig } from "../resource/stackConfig";
import { getSweepContext } from "./context";
import { stderrProgressLog } from "../resource/contextFactory";
import { UNKNOWN } from "../resource/inputs";
import { checkSweepInputs, deviceNamesOf, machineIdsOf, parseSweepInputs } from "./inputs";
import { diffSweep } from "./plan";
import { previewSummary } from "./previewSummary";
import { cancelRunning, incompleteMessage, runSweep } from "./run";
import { heldEntries, parseSweepState, type SweepState } from "./state";

export const sweepProvider = withStackConfig("sweep", (stackConfig) => ({
  async check(_olds: Props, news: Props) {
    // `pulumi preview` calls check: a malformed quota ledger fails here, not at the first machine.
    checkQuotaLedgerSettings({ config: (key) => stackConfig(`mde:${key}`) });
    return checkSweepInputs(news);
  },

  async diff(_id: string, olds: Props, news: Props) {
    const previous = parseSweepState(olds);
    const inputs = { ...news, triggers: news.triggers ?? {}, machineIds: machineIdsOf(news) } as Parameters<typeof diffSweep>[1];
    const diff = diffSweep(previous, inputs);
    // The reviewer's line (preview and up): which machines are added, removed, collected again, by name.
    const ids = inputs.machineIds;
    const summary = diff.changes && ids !== UNKNOWN ? previewSummary(previous, { ...inputs, machineIds: ids }, deviceNamesOf(news)) : undefined;
    if (summary) stderrProgressLog(summary);
    return diff;
  },

  async create(inputs: Props) {
    const parsed = parseSweepInputs(inputs);
    const state = await runSweep(getSweepContext(stackConfig, parsed.machineIds.length), undefined, parsed);
    return { id: parsed.sweepName, outs: finish(parsed.sweepName, { ...state, devices: deviceNamesOf(inputs) }, inputs.__provider) };
  },

  async update(id: string, olds: Props, news: Props) {
    const inputs = parseSweepInputs(news);
    const state = await runSweep(getSweepContext(stackConfig, inputs.machineIds.length), parseSweepState(olds), inputs);
    return { outs: finish(id, { ...state, devices: deviceNamesOf(news) }, news.__provider) };
  },

  /** Refresh keeps what was stored (after validating it): the next `pulumi up` reads every running machine's status anyway. */
  async read(id: string, props: Props) {
    parseSweepState(props);
    return { id, props };
  },

  async delete(_id: string, props: Props) {
    const state = parseSweepState(props);
    if (!state.cancelOnDelete) return;
    await cancelRunning(getSweepContext(stackConfig, Object.keys(state.machines).length), state.sweepName, heldEntries(state), `Cancelled by pulumi destroy: ${state.comment}`);
  },
}));

/** The outputs, or a ResourceInitError carrying them when some machines did not succeed. */
function finish(id: string, state: SweepState, provider: unknown): SweepState {
  const message = incompleteMessage(state);
  if (message) throw new ResourceInitError(message, id, { ...state, __provider: provider });
  return state;
}
