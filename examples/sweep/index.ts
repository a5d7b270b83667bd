/**
 * An investigation sweep from stack config:
 *
 *   mde-sweep:select       {"tag": "finance"} | {"machineIds": [...]} | {"computerDnsNames": [...]} | {"filter": "..."}
 *   mde-sweep:comment      why the packages are collected
 *   mde-sweep:triggers     a JSON map; a change starts a new round on every machine
 *   mde-sweep:evidenceDirectory, :waitForCompletion, :timeoutMinutes, :cancelOnDelete, :maxMachines   optional
 *   mde-sweep:reportDirectory  the triage report of the kept packages after each `up` (docs/report.md); exported as reportPath
 *   mde-sweep:exportMachines   false: export only the counts (the machine map as a stack output is stored twice)
 *
 * plus the `mde:*` settings every collection uses (docs/configuration.md).
 */
import * as pulumi from "@pulumi/pulumi";
import { InvestigationSweep, type MachineSelector } from "pulumi-mde-forensics";

const config = new pulumi.Config();

const sweep = new InvestigationSweep(config.get("name") ?? "sweep", {
  select: config.requireObject<MachineSelector>("select"),
  comment: config.require("comment"),
  triggers: config.getObject<Record<string, string>>("triggers"),
  evidenceDirectory: config.get("evidenceDirectory"),
  waitForCompletion: config.getBoolean("waitForCompletion"),
  timeoutMinutes: config.getNumber("timeoutMinutes"),
  cancelOnDelete: config.getBoolean("cancelOnDelete"),
  maxMachines: config.getNumber("maxMachines"),
  reportDirectory: config.get("reportDirectory"),
});

export const counts = sweep.counts;
export const machines = config.getBoolean("exportMachines") === false ? undefined : sweep.machines;
/** report.html of the triage report, with mde-sweep:reportDirectory (else null). */
export const reportPath = sweep.reportPath;
