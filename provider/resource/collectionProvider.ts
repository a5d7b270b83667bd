/**
 * The collection's dynamic provider: the real code. The serialized provider in each resource's
 * state is only a shim (shim.ts) that loads this module from the installed package at run time
 * (the package's `provider-runtime` entry, a name old state still asks for), so state stays small
 * and stable, and fixes reach resources created by older versions.
 *
 * Every method that is handed stored outputs parses them first (state.ts): a corrupt field fails
 * with its name, and state written by an older version is migrated, not cast.
 */
import { checkQuotaLedgerSettings } from "../api/settings";
import { FINAL_STATUSES } from "../api/schemas";
import { isMdeErrorOfKind } from "../api/errors";
import { getSharedContext } from "./contextFactory";
import { diffCollection } from "./diff";
import { checkInputs, parseKnownInputs } from "./inputs";
import { deadlineFor, describe, requestCollection, settleCollection } from "./lifecycle";
import { ResourceInitError } from "./initError";
import { withAction } from "./outputs";
import { type Untyped, withStackConfig } from "./stackConfig";
import { type CollectionOutputs, parseStoredState, STATE_VERSION } from "./state";

export const collectionProvider = withStackConfig("collection", (stackConfig) => ({
  async check(_olds: Untyped, news: Untyped) {
    // `pulumi preview` calls check: a malformed quota ledger fails here, not at the first machine.
    checkQuotaLedgerSettings({ config: (key) => stackConfig(`mde:${key}`) });
    return checkInputs(news);
  },

  async diff(id: string, olds: Untyped, news: Untyped) {
    return diffCollection(parseStoredState(id, olds).outputs, news);
  },

  async create(inputs: Untyped) {
    const ctx = getSharedContext(stackConfig);
    const parsed = parseKnownInputs(inputs);
    const providerProps = { __provider: inputs.__provider };
    // Waiting for an earlier round and for the new collection share the time timeoutMinutes allows.
    const deadlineMs = deadlineFor(ctx, parsed.timeoutMinutes);
    const outs = await requestCollection(ctx, parsed, providerProps, { deadlineMs });
    const settled = await settleCollection(ctx, outs, providerProps, { deadlineMs });
    return { id: settled.actionId, outs: settled };
  },

  async read(id: string, props: Untyped) {
    const { outputs, provider } = parseStoredState(id, props);
    const ctx = getSharedContext(stackConfig);
    try {
      const action = await ctx.api.getMachineAction(id);
      return { id, props: { ...withAction(outputs, action), __provider: provider } };
    } catch (err) {
      // MDE forgets old actions; a refresh keeps what we knew rather than dropping the resource,
      // which would make the next `pulumi up` collect again.
      if (isMdeErrorOfKind(err, "notFound")) return { id, props: { ...outputs, __provider: provider } };
      throw err;
    }
  },

  async update(id: string, olds: Untyped, news: Untyped) {
    const previous = parseStoredState(id, olds).outputs;
    const ctx = getSharedContext(stackConfig);
    const parsed = parseKnownInputs(news);
    let outs: CollectionOutputs = {
      ...previous,
      stateVersion: STATE_VERSION,
      waitForCompletion: parsed.waitForCompletion,
      timeoutMinutes: parsed.timeoutMinutes,
      evidenceDirectory: parsed.evidenceDirectory ?? null,
      cancelOnDelete: parsed.cancelOnDelete,
    };
    if (!FINAL_STATUSES.has(outs.status)) {
      outs = withAction(outs, await ctx.api.getMachineAction(id));
    }
    if (outs.evidenceDirectory !== previous.evidenceDirectory) outs = withoutEvidence(outs);
    return { outs: await settleCollection(ctx, outs, { __provider: news.__provider }) };
  },

  async delete(id: string, props: Untyped) {
    const old = parseStoredState(id, props).outputs;
    if (FINAL_STATUSES.has(old.status)) return;
    const ctx = getSharedContext(stackConfig);
    // A create later in this run (the new round of a replacement) must never adopt it.
    ctx.releasedActions.add(id);
    if (!old.cancelOnDelete) return;
    const current = await ctx.api.getMachineAction(id).catch((err) => {
      if (isMdeErrorOfKind(err, "notFound")) return undefined;
      throw err;
    });
    if (current && !FINAL_STATUSES.has(current.status)) {
      await ctx.api.cancelMachineAction(id, `Cancelled by pulumi (resource deleted or replaced): ${old.comment}`.slice(0, 1000));
      ctx.log(`${describe(old)}: cancelled (cancelOnDelete)`);
    }
  },
}));

function withoutEvidence(o: CollectionOutputs): CollectionOutputs {
  const { packagePath, packageSha256, packageSizeBytes, manifestPath, ...rest } = o;
  return rest;
}

export { ResourceInitError };
