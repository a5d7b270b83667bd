/**
 * `InvestigationSweep`: investigation packages from many machines as ONE resource that owns the
 * collections of all of them (sweepProvider.ts), for fleets; `InvestigationPackageCollection` stays
 * the unit for a few named devices.
 *
 * Why one resource: as a component with a child per machine, each waiting child held one of
 * Pulumi's `--parallel` slots (at the default, 100 machines took 14 times the quota bound), and
 * every checkpoint rewrote about 8 KB per machine. One resource holds one slot, and stores a
 * few hundred bytes per machine and its provider shim once.
 *
 * Machines are looked up when the program runs (lookup.ts), preview included, and reach the
 * provider as ids, which `check` validates again without any API call (inputs.ts).
 */
import * as pulumi from "@pulumi/pulumi";
import type { CollectionRequestArgs } from "../resource/requestArgs";
import { type MachineLookup, lookupMachines } from "./lookup";
import { describeSelector, type MachineSelector, type SelectedMachine } from "./select";
import { sweepShim } from "./shim";
import { warnUnknownSettingsOnce } from "../resource/settingsWarnings";
import { ForensicsError } from "../util/error";
import type { MachineEntry, SweepCounts } from "./entryTypes";

/** Which machines, and the request's settings (../resource/requestArgs.ts), for every one of them. */
export interface InvestigationSweepArgs extends CollectionRequestArgs {
  /** Which machines: exactly one of `machineIds`, `computerDnsNames`, `tag` or `filter`. */
  select: MachineSelector;
  /** Cancel running collections of machines that leave the selection, of a superseded round, or when the sweep is destroyed. @default false */
  cancelOnDelete?: pulumi.Input<boolean>;
  /** A selection of more machines than this fails instead of collecting. @default 1000 */
  maxMachines?: number;
  /**
   * After the collection, write the triage report of `evidenceDirectory` (report.html, report.json,
   * a CSV per finding kind; docs/report.md) into this folder; its path is the `reportPath` output.
   * Relative paths resolve against the Pulumi project folder. @default no report
   */
  reportDirectory?: pulumi.Input<string>;
}

export interface InvestigationSweepOptions extends pulumi.CustomResourceOptions {
  /** Resolves the selector; by default MDE's machine list through the `mde:*` stack config. */
  lookup?: MachineLookup;
}

/** One machine of the sweep, as in the `machines` output. */
export type SweepMachine = MachineEntry;

/**
 * Investigation packages from many machines, at the API's quota, with Pulumi's default settings:
 *
 * ```ts
 * const sweep = new InvestigationSweep("inc-2041", {
 *   select: { tag: "finance" },
 *   comment: "INC-2041: lateral movement from FIN-WS-17",
 *   evidenceDirectory: "./evidence/INC-2041",
 * });
 * export const counts = sweep.counts;     // { total: 37, Succeeded: 36, Failed: 1, ... }
 * export const machines = sweep.machines; // machine id → action id, status, adopted, package
 * ```
 */
export class InvestigationSweep extends pulumi.dynamic.Resource {
  /** Machine id → its collection: actionId, status, adopted, marker, packageSha256, packagePath (and error). */
  declare readonly machines: pulumi.Output<Record<string, SweepMachine>>;
  /** Machines per status (every status present, `RequestFailed` included) and `total`. */
  declare readonly counts: pulumi.Output<SweepCounts>;
  /** report.html of the triage report made after the last run (with `reportDirectory`), else null. */
  declare readonly reportPath: pulumi.Output<string | null>;
  /** The machines the selector resolved to, sorted by id, with their names; known during preview, not stored in state. */
  readonly selected: pulumi.Output<SelectedMachine[]>;

  constructor(name: string, args: InvestigationSweepArgs, opts: InvestigationSweepOptions = {}) {
    warnUnknownSettingsOnce();
    const { lookup = lookupMachines, ...resourceOptions } = opts;
    const what = selectorOf(name, args.select);
    const selection = lookup(args.select, { maxMachines: args.maxMachines, onWarning: (m) => void pulumi.log.warn(`InvestigationSweep '${name}': ${m}`) }).then(
      (machines) => {
        void pulumi.log.info(`InvestigationSweep '${name}': ${machines.length} machine(s) selected by ${what}`);
        return machines;
      },
      (err: unknown) => {
        throw new ForensicsError(`InvestigationSweep '${name}': ${err instanceof Error ? err.message : String(err)}`);
      },
    );
    // The failure reaches the engine once, through the resource's inputs; this copy must not
    // count as a second, unhandled rejection.
    selection.catch(() => undefined);
    super(
      sweepShim,
      name,
      {
        sweepName: name,
        selection: what,
        // By id with its name: what `pulumi preview --diff` shows per machine (inputs.ts).
        devices: selection.then((ms) => Object.fromEntries(ms.map((m) => [m.machineId, m.computerDnsName ?? m.machineId]))),
        comment: args.comment,
        triggers: args.triggers,
        evidenceDirectory: args.evidenceDirectory,
        waitForCompletion: args.waitForCompletion,
        timeoutMinutes: args.timeoutMinutes,
        cancelOnDelete: args.cancelOnDelete,
        maxMachines: args.maxMachines,
        reportDirectory: args.reportDirectory,
        machines: undefined,
        reportPath: undefined,
        counts: undefined,
        stateVersion: undefined,
      },
      resourceOptions,
      "mde",
      "InvestigationSweep",
    );
    this.selected = pulumi.output(selection);
  }
}

/** The selector described, or a RunError: a mistake in the program's config, shown without a stack trace. */
function selectorOf(name: string, select: MachineSelector): string {
  try {
    return describeSelector(select);
  } catch (err) {
    throw new pulumi.RunError(`InvestigationSweep '${name}': ${err instanceof Error ? err.message : String(err)}`);
  }
}
