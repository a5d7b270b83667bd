/**
 * Which device a collection targets.
 */
import { odataString } from "../api/ids";
import { ForensicsError } from "../util/error";
import type { CollectionApi } from "../api/collectionApi";

export class MachineResolutionError extends ForensicsError {
  override readonly name = "MachineResolutionError";
}

/** A device name must match exactly one device: collecting from the wrong twin is worse than failing. */
export async function resolveMachineId(
  api: Pick<CollectionApi, "listMachines">,
  target: { machineId?: string; computerDnsName?: string },
): Promise<string> {
  if (target.machineId) return target.machineId;
  const name = target.computerDnsName!;
  const machines = await api.listMachines({ filter: `computerDnsName eq ${odataString(name.toLowerCase())}`, top: 10 });
  if (machines.length === 0) {
    throw new MachineResolutionError(
      `no device named '${name}' in Defender for Endpoint: check the name (the FQDN shown on the device page) or set machineId instead`,
    );
  }
  if (machines.length > 1) {
    const ids = machines.map((m) => m.id).join(", ");
    throw new MachineResolutionError(
      `${machines.length} devices are named '${name}' (${ids}), e.g. after re-onboarding: set machineId to the one to collect from`,
    );
  }
  return machines[0].id;
}
