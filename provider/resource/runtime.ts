/**
 * The provider's real code. The serialized provider in each resource's state is only a shim
 * (shim.ts) that loads this module from the installed package at run time, so state stays small
 * and stable, and fixes reach resources created by older versions.
 */
import type * as pulumi from "@pulumi/pulumi";
import { FINAL_STATUSES, type MachineAction } from "../api/schemas";
import { describe, requestCollection, settleCollection } from "./collect";
import { ResourceInitError } from "./initError";
import { contextFor, type ConfigReader } from "./contextFactory";
import { diffCollection } from "./diff";
import { checkInputs, parseKnownInputs } from "./inputs";
import { type CollectionOutputs, withAction } from "./outputs";

/** Stack config, handed over by `configure`; process-wide because the host configures once. */
let stackConfig: ConfigReader = () => undefined;

type Props = Record<string, any>;

export const collectionProvider: pulumi.dynamic.ResourceProvider = {
  async configure(req: pulumi.dynamic.ConfigureRequest) {
    stackConfig = (key) => req.config.get(key);
  },

  async check(_olds: Props, news: Props) {
    return checkInputs(news);
  },

  async diff(_id: string, olds: Props, news: Props) {
    return diffCollection(olds, news);
  },

  async create(inputs: Props) {
    const ctx = contextFor(stackConfig);
    const parsed = parseKnownInputs(inputs);
    const providerProps = { __provider: inputs.__provider };
    const outs = await requestCollection(ctx, parsed, providerProps);
    const settled = await settleCollection(ctx, outs, providerProps);
    return { id: settled.actionId, outs: settled };
  },

  async read(id: string, props: Props) {
    const ctx = contextFor(stackConfig);
    try {
      const action = await ctx.api.getMachineAction(id);
      return { id, props: withAction(props as CollectionOutputs, action) };
    } catch (err) {
      // MDE forgets old actions; a refresh keeps what we knew rather than dropping the resource,
      // which would make the next `pulumi up` collect again.
      if ((err as { status?: number }).status === 404) return { id, props };
      throw err;
    }
  },

  async update(id: string, olds: Props, news: Props) {
    const ctx = contextFor(stackConfig);
    const parsed = parseKnownInputs(news);
    const { __provider, ...previous } = olds;
    let outs: CollectionOutputs = {
      ...(previous as CollectionOutputs),
      waitForCompletion: parsed.waitForCompletion as boolean,
      timeoutMinutes: parsed.timeoutMinutes as number,
      evidenceDirectory: (parsed.evidenceDirectory as string | undefined) ?? null,
      cancelOnDelete: parsed.cancelOnDelete as boolean,
    };
    if (!FINAL_STATUSES.has(outs.status as MachineAction["status"])) {
      outs = withAction(outs, await ctx.api.getMachineAction(id));
    }
    if (outs.evidenceDirectory !== previous.evidenceDirectory) outs = withoutEvidence(outs);
    return { outs: await settleCollection(ctx, outs, { __provider: news.__provider }) };
  },

  async delete(id: string, props: Props) {
    if (!props.cancelOnDelete || FINAL_STATUSES.has(props.status)) return;
    const ctx = contextFor(stackConfig);
    const current = await ctx.api.getMachineAction(id).catch((err) => {
      if ((err as { status?: number }).status === 404) return undefined;
      throw err;
    });
    if (current && !FINAL_STATUSES.has(current.status)) {
      await ctx.api.cancelMachineAction(id, `Cancelled by pulumi destroy: ${String(props.comment ?? "")}`.slice(0, 1000));
      ctx.log(`${describe(props as CollectionOutputs)}: cancelled (cancelOnDelete)`);
    }
  },
};

function withoutEvidence(o: CollectionOutputs): CollectionOutputs {
  const { packagePath, packageSha256, packageSizeBytes, manifestPath, ...rest } = o;
  return rest;
}

export { ResourceInitError };
