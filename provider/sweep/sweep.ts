/**
 * `InvestigationSweep`: one investigation package collection per selected machine, with a
 * shared comment, triggers and evidence settings, declared as a single component.
 *
 * The machines are looked up when the program runs (./lookup.ts), so `pulumi preview` lists
 * them and each `pulumi up` re-evaluates the selection: a machine that joins a tag gets a
 * collection, one that leaves it has its collection removed from the stack (MDE keeps the
 * action; `cancelOnDelete` decides whether a running one is cancelled).
 *
 * Scheduling is the children's: every collection of the process shares one rate limiter, one
 * batched adoption pre-check and one watcher, so the sweep runs at MDE's collect quota as long
 * as Pulumi runs enough operations at once (see `parallelismAdvice`).
 */
import * as pulumi from "@pulumi/pulumi";
import { InvestigationPackageCollection } from "../resource/resource";
import { type MachineLookup, lookupMachines } from "./lookup";
import { describeSelector, type MachineSelector, type SelectedMachine } from "./select";
import { collectionName, countByStatus, parallelismAdvice, type SweepCounts, type SweepMachineRow } from "./summary";

export interface InvestigationSweepArgs {
  /** Which machines: exactly one of `machineIds`, `computerDnsNames`, `tag` or `filter`. */
  select: MachineSelector;
  /** Why the packages are collected; MDE records it with every action. Changing it starts new collections. */
  comment: pulumi.Input<string>;
  /** Any change to these values starts new collections on every machine (e.g. `{ round: "2" }`). */
  triggers?: pulumi.Input<Record<string, pulumi.Input<string>>>;
  /** Where to keep the packages, their manifests and the custody log. Unset: packages are not fetched. */
  evidenceDirectory?: pulumi.Input<string>;
  /** Wait until each collection reaches a final status. @default true */
  waitForCompletion?: pulumi.Input<boolean>;
  /** How long one `pulumi up` waits for each collection. @default 60 */
  timeoutMinutes?: pulumi.Input<number>;
  /** Cancel a collection still Pending or InProgress when its machine leaves the sweep or the stack is destroyed. @default false */
  cancelOnDelete?: pulumi.Input<boolean>;
  /** A selection of more machines than this fails instead of collecting. @default 1000 */
  maxMachines?: number;
}

export interface InvestigationSweepOptions extends pulumi.ComponentResourceOptions {
  /** Resolves the selector; by default MDE's machine list through the `mde:*` stack config. */
  lookup?: MachineLookup;
}

export const SWEEP_TYPE = "mde-forensics:index:InvestigationSweep";

/**
 * Investigation packages from many machines at once, at the API's quota:
 *
 * ```ts
 * const sweep = new InvestigationSweep("inc-2041", {
 *   select: { tag: "finance" },
 *   comment: "INC-2041: lateral movement from FIN-WS-17",
 *   evidenceDirectory: "./evidence/INC-2041",
 * });
 * export const counts = sweep.counts;     // { total: 37, Succeeded: 36, Failed: 1, ... }
 * export const machines = sweep.machines; // one row per machine: action, status, package hash
 * ```
 *
 * Children are `InvestigationPackageCollection`s named `<sweep name>-<machine id>`.
 */
export class InvestigationSweep extends pulumi.ComponentResource {
  /** The machines the selector resolved to, sorted by id; known during preview. */
  readonly selected: pulumi.Output<SelectedMachine[]>;
  /** Collections per status (every status present) and `total`. */
  readonly counts: pulumi.Output<SweepCounts>;
  /** One row per machine: collection, status, adoption and package. */
  readonly machines: pulumi.Output<SweepMachineRow[]>;
  /** The child collections, once the lookup has run. */
  readonly collections: Promise<InvestigationPackageCollection[]>;

  constructor(name: string, args: InvestigationSweepArgs, opts: InvestigationSweepOptions = {}) {
    const { lookup = lookupMachines, ...resourceOptions } = opts;
    super(SWEEP_TYPE, name, { select: args.select, comment: args.comment }, resourceOptions);
    const what = describeSelector(args.select);

    const selection = lookup(args.select, { maxMachines: args.maxMachines }).then(
      (machines) => {
        pulumi.log.info(`${machines.length} machine(s) selected by ${what}`, this);
        const advice = parallelismAdvice(machines.length, engineParallelism());
        if (advice) pulumi.log.warn(advice, this);
        return machines;
      },
      (err: unknown) => {
        throw new Error(`InvestigationSweep '${name}': ${err instanceof Error ? err.message : String(err)}`);
      },
    );
    this.collections = selection.then((machines) =>
      machines.map(
        (m) =>
          new InvestigationPackageCollection(
            collectionName(name, m.machineId),
            {
              machineId: m.machineId,
              comment: args.comment,
              triggers: args.triggers,
              evidenceDirectory: args.evidenceDirectory,
              waitForCompletion: args.waitForCompletion,
              timeoutMinutes: args.timeoutMinutes,
              cancelOnDelete: args.cancelOnDelete,
            },
            { parent: this },
          ),
      ),
    );
    this.selected = pulumi.output(selection);
    const rows = Promise.all([selection, this.collections]).then(([machines, collections]) =>
      pulumi.all(collections.map((c, i) => rowOf(c, machines[i], collectionName(name, machines[i].machineId)))),
    );
    // A failed lookup reaches the engine once, through the outputs registered below; these
    // promises only carry it there, and must not each count as an unhandled rejection.
    for (const p of [selection, this.collections, rows]) p.catch(() => undefined);
    this.machines = pulumi.output(rows);
    this.counts = this.machines.apply(countByStatus);
    this.registerOutputs({ selected: this.selected, counts: this.counts, machines: this.machines });
  }
}

function rowOf(c: InvestigationPackageCollection, m: SelectedMachine, resourceName: string): pulumi.Output<SweepMachineRow> {
  return pulumi
    .all([c.actionId, c.status, c.adopted, c.computerDnsName, c.packageSha256, c.packagePath, c.packageSizeBytes])
    .apply(([actionId, status, adopted, computerDnsName, packageSha256, packagePath, packageSizeBytes]) => ({
      machineId: m.machineId,
      computerDnsName: computerDnsName ?? m.computerDnsName,
      resourceName,
      actionId,
      status,
      adopted,
      packageSha256: packageSha256 ?? null,
      packagePath: packagePath ?? null,
      packageSizeBytes: packageSizeBytes ?? null,
    }));
}

/**
 * Pulumi's `--parallel` as the engine told this program, when it can be read: the Node language
 * host passes it in the environment, the Automation API's inline host in the runtime's settings
 * (not a public API, hence the guard).
 */
function engineParallelism(): number | undefined {
  const fromEnv = Number(process.env.PULUMI_NODEJS_PARALLEL);
  if (Number.isInteger(fromEnv) && fromEnv > 0) return fromEnv;
  try {
    const parallel = require("@pulumi/pulumi/runtime/state").getStore().settings.options.parallel;
    return Number.isInteger(parallel) && parallel > 0 ? parallel : undefined;
  } catch {
    return undefined;
  }
}
