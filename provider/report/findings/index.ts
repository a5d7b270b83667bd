/**
 * All findings of a fleet, in a responder's order (schema.ts CATEGORIES): rarity, network,
 * processes, privileged groups, Security log, Defender, collection health; within a category,
 * high before medium before low, then by device. Ids (F0001…) follow that order.
 */
import type { DeviceFacts } from "../facts";
import { CATEGORIES, SEVERITIES, type Finding } from "../schema";
import type { Draft } from "./common";
import { collectionFindings, defenderFindings } from "./health";
import { groupFindings, networkFindings, processFindings } from "./hostState";
import { rarityFindings } from "./rarity";
import { securityLogFindings } from "./securityLog";

/** "≤ 2, or ≤ 1% of a large fleet" (issue #23). */
export const rareMaxHosts = (devices: number) => Math.max(2, Math.floor(devices / 100));

export function findingsOf(devices: DeviceFacts[]): Finding[] {
  // Rarity is measured among devices that have the same kind of files: Windows packages.
  const windows = devices.filter((d) => d.platform === "windows");
  const rareMax = rareMaxHosts(windows.length);
  const drafts: Draft[] = [
    ...rarityFindings(windows, rareMax),
    ...networkFindings(windows, rareMax),
    ...processFindings(windows, rareMax),
    ...groupFindings(windows, rareMax),
    ...securityLogFindings(devices),
    ...defenderFindings(devices),
    ...collectionFindings(devices),
  ];
  const order = (f: Draft) => [CATEGORIES.indexOf(f.category), SEVERITIES.indexOf(f.severity)];
  drafts.sort((a, b) => {
    const [ca, sa] = order(a);
    const [cb, sb] = order(b);
    return ca - cb || sa - sb || a.computerDnsName.localeCompare(b.computerDnsName) || a.kind.localeCompare(b.kind);
  });
  return drafts.map((f, i) => ({ id: `F${String(i + 1).padStart(4, "0")}`, ...f }));
}
