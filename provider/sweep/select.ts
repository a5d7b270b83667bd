/**
 * Which machines a sweep covers: exactly one selector (ids, computer names, a tag or an OData
 * filter), resolved against MDE's machine list when the program runs, preview included.
 *
 * The result is checked harder than a single collection's target, because a sweep acts on
 * many devices at once: every id and name must exist (and a name must be unambiguous), an empty
 * result is an error rather than "nothing to do" (an empty lookup would otherwise remove every
 * collection already in the stack from it), and more than `maxMachines` is refused so a loose
 * filter cannot start collections across the whole estate.
 */
import { odataString } from "../api/ids";
import type { Machine } from "../api/actionTypes";
import { MACHINE_ID_PATTERN } from "../api/machineIdPattern";
import type { ListQuery } from "../api/collectionApi";
import { ForensicsError } from "../util/error";

/** Selects the machines of a sweep. Set exactly one field. */
export interface MachineSelector {
  /** MDE machine ids (40 hexadecimal characters). Each must exist. */
  machineIds?: string[];
  /** Device names (the FQDN shown on the device page). Each must match exactly one device. */
  computerDnsNames?: string[];
  /** Every device carrying this tag (exact match, as the portal's tag filter). */
  tag?: string;
  /**
   * An OData `$filter` over machines, e.g. `healthStatus eq 'Active' and osPlatform eq 'Windows11'`.
   * Filterable: computerDnsName, id, version, deviceValue, aadDeviceId, machineTags, lastSeen,
   * exposureLevel, onboardingStatus, lastIpAddress, healthStatus, osPlatform, riskScore, rbacGroupId.
   */
  filter?: string;
}

export interface SelectOptions {
  /** @default {@link DEFAULT_MAX_MACHINES} */
  maxMachines?: number;
  /** Told when one machine is named twice (different case, a trailing dot): it is collected once. */
  onWarning?: (message: string) => void;
}

/** A selected machine, as the sweep reports it. */
export interface SelectedMachine {
  machineId: string;
  computerDnsName: string | null;
  osPlatform: string | null;
  healthStatus: string | null;
}

/** What the lookup needs from the MDE client. */
export interface MachineDirectory {
  listMachines(query: ListQuery): Promise<Machine[]>;
  findMachinesByTag(tag: string): Promise<Machine[]>;
}

export const DEFAULT_MAX_MACHINES = 1000;

/** Ids or names per list call: 40 `id eq '…'` clauses keep the encoded URL near 3 KB. */
export const LOOKUP_CHUNK_SIZE = 40;

const SELECTOR_KEYS = ["machineIds", "computerDnsNames", "tag", "filter"] as const;

export class MachineSelectionError extends ForensicsError {
  override readonly name = "MachineSelectionError";
}

/** Which selector is set, after checking that exactly one is and that its values are well formed. */
export function describeSelector(select: MachineSelector): string {
  const set = SELECTOR_KEYS.filter((k) => select?.[k] !== undefined);
  if (set.length !== 1) {
    // Two set is what `pulumi config set --path '…select.filter'` leaves after a tag: say how to switch.
    const switching = set.length > 1
      ? ` (got ${set.join(" and ")}). To switch selectors, set the whole selector, e.g. pulumi config set <project>:select '{"${set[set.length - 1]}": …}', or remove the old one first: pulumi config rm --path '<project>:select.${set[0]}'`
      : "";
    throw new MachineSelectionError(`select must set exactly one of ${SELECTOR_KEYS.join(", ")}${switching}`);
  }
  const key = set[0];
  if (key === "machineIds" || key === "computerDnsNames") {
    const values = select[key]!;
    if (!Array.isArray(values) || values.length === 0 || values.some((v) => typeof v !== "string" || v.trim() === "")) {
      throw new MachineSelectionError(`select.${key} must be a non-empty list of non-empty strings`);
    }
    if (key === "machineIds") {
      const bad = values.filter((v) => !MACHINE_ID_PATTERN.test(v.trim()));
      if (bad.length > 0) {
        throw new MachineSelectionError(`select.machineIds: ${bad.map((b) => `'${b}'`).join(", ")} ${bad.length === 1 ? "is" : "are"} not a machine id (40 hexadecimal characters)`);
      }
    }
    return `${values.length} ${key === "machineIds" ? "machine id" : "device name"}${values.length === 1 ? "" : "s"}`;
  }
  const value = select[key];
  if (typeof value !== "string" || value.trim() === "") throw new MachineSelectionError(`select.${key} must be a non-empty string`);
  return key === "tag" ? `tag '${value}'` : `filter "${value}"`;
}

/**
 * The machines `select` names, sorted by machine id so resource order and names are stable from
 * one run to the next. Throws {@link MachineSelectionError} naming every missing or ambiguous one.
 */
export async function selectMachines(
  directory: MachineDirectory,
  select: MachineSelector,
  options: SelectOptions = {},
): Promise<SelectedMachine[]> {
  const what = describeSelector(select);
  const maxMachines = options.maxMachines ?? DEFAULT_MAX_MACHINES;
  const listed = select.machineIds ?? select.computerDnsNames;
  if (listed) {
    // Checked before any call: an explicit list says how many machines it names.
    const unique = uniqueSpellings(listed, select.machineIds ? "machine id" : "device name", options.onWarning);
    if (unique.length > maxMachines) {
      throw new MachineSelectionError(`select.${select.machineIds ? "machineIds" : "computerDnsNames"} names ${unique.length} devices, more than maxMachines (${maxMachines}); narrow the selection or raise maxMachines deliberately`);
    }
  }
  let machines: Machine[];
  if (select.machineIds) machines = await byIds(directory, select.machineIds);
  else if (select.computerDnsNames) machines = await byNames(directory, select.computerDnsNames);
  else if (select.tag !== undefined) machines = await directory.findMachinesByTag(select.tag.trim());
  else machines = await directory.listMachines({ filter: select.filter!.trim() });

  const unique = new Map(machines.map((m) => [m.id, m]));
  if (unique.size === 0) {
    throw new MachineSelectionError(
      `${what} selects no device in Defender for Endpoint. A sweep never selects nothing: an empty lookup would remove every collection of this sweep from the stack`,
    );
  }
  if (unique.size > maxMachines) {
    throw new MachineSelectionError(
      `${what} selects ${unique.size} devices, more than maxMachines (${maxMachines}); narrow the selection or raise maxMachines deliberately`,
    );
  }
  return [...unique.values()]
    .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
    .map((m) => ({ machineId: m.id, computerDnsName: m.computerDnsName, osPlatform: m.osPlatform, healthStatus: m.healthStatus }));
}

/** How ids and names are compared: MDE ids and DNS names are case-insensitive, a trailing dot changes nothing. */
export function normaliseSpelling(value: string): string {
  return value.trim().toLowerCase().replace(/\.$/, "");
}

/** The distinct machines a list names, warning once per machine named more than once. */
function uniqueSpellings(values: string[], kind: string, onWarning?: (message: string) => void): string[] {
  const spellings = new Map<string, string[]>();
  for (const v of values) spellings.set(normaliseSpelling(v), [...(spellings.get(normaliseSpelling(v)) ?? []), v]);
  for (const [key, all] of spellings) {
    if (all.length < 2) continue;
    const distinct = [...new Set(all)];
    const what = distinct.length > 1 ? `${distinct.map((v) => `'${v}'`).join(" and ")} name the same ${kind} (${key})` : `${kind} '${distinct[0]}' is listed ${all.length} times`;
    onWarning?.(`${what}: it is collected once`);
  }
  return [...spellings.keys()];
}

async function byIds(directory: MachineDirectory, ids: string[]): Promise<Machine[]> {
  const wanted = [...new Set(ids.map(normaliseSpelling))];
  const found = await inChunks(wanted, (chunk) =>
    directory.listMachines({ filter: chunk.map((id) => `id eq ${odataString(id)}`).join(" or ") }),
  );
  const known = new Set(found.map((m) => m.id));
  const missing = wanted.filter((id) => !known.has(id));
  if (missing.length > 0) {
    throw new MachineSelectionError(
      `${missing.length} of ${wanted.length} machine ids ${missing.length === 1 ? "is" : "are"} not in Defender for Endpoint: ${missing.join(", ")}`,
    );
  }
  return found.filter((m) => wanted.includes(m.id));
}

async function byNames(directory: MachineDirectory, names: string[]): Promise<Machine[]> {
  const wanted = [...new Set(names.map(normaliseSpelling))];
  const found = await inChunks(wanted, (chunk) =>
    directory.listMachines({ filter: chunk.map((n) => `computerDnsName eq ${odataString(n)}`).join(" or ") }),
  );
  const byName = new Map<string, Machine[]>();
  for (const m of found) {
    const key = normaliseSpelling(m.computerDnsName ?? "");
    if (wanted.includes(key)) byName.set(key, [...(byName.get(key) ?? []).filter((x) => x.id !== m.id), m]);
  }
  const missing = wanted.filter((n) => !byName.has(n));
  const ambiguous = [...byName].filter(([, ms]) => ms.length > 1);
  const problems = [
    ...(missing.length > 0 ? [`no device is named ${missing.map((n) => `'${n}'`).join(", ")}`] : []),
    ...ambiguous.map(([n, ms]) => `${ms.length} devices are named '${n}' (${ms.map((m) => m.id).join(", ")}): select it by machine id`),
  ];
  if (problems.length > 0) throw new MachineSelectionError(`select.computerDnsNames: ${problems.join("; ")}`);
  return [...byName.values()].flat();
}

async function inChunks<T>(values: string[], call: (chunk: string[]) => Promise<T[]>): Promise<T[]> {
  const out: T[] = [];
  for (let i = 0; i < values.length; i += LOOKUP_CHUNK_SIZE) out.push(...(await call(values.slice(i, i + LOOKUP_CHUNK_SIZE))));
  return out;
}
