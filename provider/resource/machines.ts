/**
 * Which device a collection targets, and whether one is already running on it.
 */
import { ACTIVE_STATUSES, COLLECT_ACTION_TYPE, type MachineAction } from "../api/schemas";
import { type CollectionApi, odataString } from "./collectionApi";

export class MachineResolutionError extends Error {
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

/**
 * The newest Pending or InProgress collection on the device, if any. A create adopts it instead
 * of POSTing: MDE would refuse a second one (400 ActiveRequestAlreadyExists), and when an earlier
 * `pulumi up` was killed while waiting, this is how its collection is found again.
 */
export async function findRunningCollection(
  api: Pick<CollectionApi, "listMachineActions">,
  machineId: string,
): Promise<MachineAction | undefined> {
  const filter = `machineId eq ${odataString(machineId)} and type eq '${COLLECT_ACTION_TYPE}' and (status eq 'Pending' or status eq 'InProgress')`;
  const actions = await api.listMachineActions({ filter, top: 10 });
  return actions
    .filter((a) => ACTIVE_STATUSES.has(a.status) && a.type === COLLECT_ACTION_TYPE)
    .sort((a, b) => Date.parse(b.creationDateTimeUtc) - Date.parse(a.creationDateTimeUtc))[0];
}
