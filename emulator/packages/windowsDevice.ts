/**
 * The facts of one Windows device that every file of its investigation package reads: identity,
 * users and groups, software, services, processes (with PIDs), tasks, sockets, autoruns, caches
 * and the plants on it. Only the shape: deviceProfile.ts draws a device from the seed,
 * devicePlants.ts writes a scenario's plants into it, and the writers (CSVs, command output,
 * Security.evtx) read it.
 */
import type { PlantedFinding } from "../scenario/plants";
import type { Product } from "./softwareCatalog";

export interface Proc { name: string; pid: number; ppid: number; path: string; commandLine: string }
export interface Service { name: string; displayName: string; pathName: string; startMode: string; state: string; startName: string; pid: number }
export interface Task { name: string; run: string; author: string; runAs: string }
export interface Socket { proto: "TCP" | "UDP"; local: string; foreign: string; state: string; pid: number }
export interface Autorun { key: string; values: Array<[string, string, string]> }

export interface DeviceProfile {
  host: string;
  fqdn: string;
  domain: string;
  /** The domain's SID prefix (S-1-5-21-a-b-c) and the machine's own, for local accounts. */
  domainSid: string;
  machineSid: string;
  /** The primary user's domain SID. */
  userSid: string;
  ip: string;
  mac: string;
  gateway: string;
  dnsServers: string[];
  user: string;
  server: boolean;
  programs: Array<Product & { installDate: string }>;
  services: Service[];
  processes: Proc[];
  tasks: Task[];
  sockets: Socket[];
  /** Autoruns file name → the keys `reg query` printed into it. */
  autoruns: Record<string, Autorun[]>;
  groups: Record<string, string[]>;
  localUsers: Array<{ name: string; rid: number }>;
  arp: Array<[string, string, string]>;
  dnsCache: Array<[string, string]>;
  temp: Record<string, string[]>;
  /** Defender detections for MpCmdRunLog.txt: time, threat, path. */
  detections: Array<{ atMs: number; threat: string; path: string }>;
  plants: PlantedFinding[];
}
