/**
 * All findings of a fleet, in a responder's order (schema.ts CATEGORIES): rarity, network,
 * processes, privileged groups, Security log, Defender, collection health; within a category,
 * high before medium before low, then by device. Ids (F0001…) follow that order.
 *
 * In two passes, so memory stays flat in the fleet's size (run.ts): `local` takes each device
 * once as it is read, counts its keys for the fleet's baselines and returns what needs no fleet
 * (Security log, Defender, collection health); `againstFleet` judges a device (read back) against
 * the counts of all of them (rarity, listeners, processes, groups). Rarity is measured among
 * devices that have the same kind of files: Windows packages.
 */
import type { DeviceFacts } from "../facts";
import { CATEGORIES, SEVERITIES, type Finding } from "../schema";
import type { Draft, Fleet } from "./common";
import { collectionFindings, defenderFindings } from "./health";
import { addHostStateKeys, hostStateFindingsFor, hostStatePrevalence } from "./hostState";
import { addRarityKeys, rarityFindingsFor, rarityPrevalences } from "./rarity";
import { securityLogFindings } from "./securityLog";

export type { Draft } from "./common";

/** "≤ 2, or ≤ 1% of a large fleet" (issue #23). */
export const rareMaxHosts = (devices: number) => Math.max(2, Math.floor(devices / 100));

export class FleetFindings {
  private readonly names: string[] = [];
  private readonly rarity;
  private readonly hostState;

  /** `atMostDevices`: the number of packages; no item keeps more hosts than the rarest threshold it can have. */
  constructor(atMostDevices: number) {
    const keep = rareMaxHosts(atMostDevices);
    this.rarity = rarityPrevalences(keep);
    this.hostState = hostStatePrevalence(keep);
  }

  /** First pass: counts the device's keys; returns its findings that need no fleet, and its index among the Windows devices (-1: none). */
  local(d: DeviceFacts): { drafts: Draft[]; windowsIndex: number } {
    let windowsIndex = -1;
    if (d.platform === "windows") {
      windowsIndex = this.names.push(d.computerDnsName) - 1;
      addRarityKeys(this.rarity, d, windowsIndex);
      addHostStateKeys(this.hostState, d, windowsIndex);
    }
    return { drafts: [...securityLogFindings([d]), ...defenderFindings([d]), ...collectionFindings([d])], windowsIndex };
  }

  get fleet(): Fleet {
    return { size: this.names.length, rareMax: rareMaxHosts(this.names.length), names: this.names };
  }

  /** Second pass: a Windows device's findings against the whole fleet's counts. */
  againstFleet(d: DeviceFacts): Draft[] {
    const fleet = this.fleet;
    return [...rarityFindingsFor(d, this.rarity, fleet), ...hostStateFindingsFor(d, this.hostState, fleet)];
  }
}

/** The drafts in a responder's order, numbered. */
export function ordered(drafts: Draft[]): Finding[] {
  const order = (f: Draft) => [CATEGORIES.indexOf(f.category), SEVERITIES.indexOf(f.severity)];
  drafts.sort((a, b) => {
    const [ca, sa] = order(a);
    const [cb, sb] = order(b);
    return ca - cb || sa - sb || a.computerDnsName.localeCompare(b.computerDnsName) || a.kind.localeCompare(b.kind);
  });
  return drafts.map((f, i) => ({ id: `F${String(i + 1).padStart(4, "0")}`, ...f }));
}

/** Both passes over devices held in memory (small fleets, tests). */
export function findingsOf(devices: DeviceFacts[]): Finding[] {
  const fleet = new FleetFindings(devices.length);
  const drafts = devices.flatMap((d) => fleet.local(d).drafts);
  for (const d of devices) if (d.platform === "windows") drafts.push(...fleet.againstFleet(d));
  return ordered(drafts);
}
