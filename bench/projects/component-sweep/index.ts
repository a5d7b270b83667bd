/**
 * The component design of a sweep, kept as the benchmark's baseline: the program looks the
 * machines up like examples/sweep, then declares one InvestigationPackageCollection per machine
 * under a component, as InvestigationSweep did before it became one resource. Each waiting
 * child holds one of Pulumi's `--parallel` slots and costs its own state (two copies of the
 * provider shim each).
 */
import * as pulumi from "@pulumi/pulumi";
import { InvestigationPackageCollection, lookupMachines, type MachineSelector } from "pulumi-mde-forensics";

const config = new pulumi.Config("mde-sweep");
const name = config.get("name") ?? "sweep";

class ComponentSweep extends pulumi.ComponentResource {
  readonly counts: pulumi.Output<Record<string, number>>;

  constructor() {
    super("mde-forensics:index:InvestigationSweep", name, {});
    const selection = lookupMachines(config.requireObject<MachineSelector>("select"), { maxMachines: config.getNumber("maxMachines") });
    const collections = selection.then((machines) =>
      machines.map(
        (m) =>
          new InvestigationPackageCollection(
            `${name}-${m.machineId}`,
            {
              machineId: m.machineId,
              comment: config.require("comment"),
              evidenceDirectory: config.get("evidenceDirectory"),
              waitForCompletion: config.getBoolean("waitForCompletion"),
              timeoutMinutes: config.getNumber("timeoutMinutes"),
            },
            { parent: this },
          ),
      ),
    );
    this.counts = pulumi.output(collections.then((cs) => pulumi.all(cs.map((c) => c.status)))).apply((statuses) => {
      const counts: Record<string, number> = { total: statuses.length };
      for (const s of statuses) counts[s] = (counts[s] ?? 0) + 1;
      return counts;
    });
    this.registerOutputs({ counts: this.counts });
  }
}

export const counts = new ComponentSweep().counts;
