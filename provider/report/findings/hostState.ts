/**
 * Network, processes and privileged groups, each judged against the fleet:
 * - listening TCP ports outside the fleet's baseline (a port few devices listen on), joined to
 *   the owning process by PID (netstat -ano's PID = Processes.csv's ProcessId);
 * - processes running from user-writable folders (Temp, AppData, ProgramData, Downloads);
 * - members of Administrators and Remote Desktop Users that few devices have.
 * High when the rare thing is also a user-writable binary (listener, process) or a local account
 * of the device itself (a local admin nobody else has); otherwise medium, or low when common.
 * With too few devices for a baseline (at most rareMax), nothing is "rare": a listener is
 * reported when its owner runs from a user-writable folder, a process is high when it runs from
 * a temp folder, and group membership is not judged.
 * Each rule is two steps: the fleet's first pass counts every device's keys (addHostStateKeys),
 * the second judges one device at a time against the counts (hostStateFindingsFor).
 */
import type { DeviceFacts, ProcessFact } from "../facts";
import { draft, type Fleet, isUserWritable, normalise, Prevalence, ref, type Draft } from "./common";

const TEMP = /[\\/](temp|tmp)[\\/]/i;
const PRIVILEGED = /^(administrators|remote desktop users)$/i;
const listening = (d: DeviceFacts) => d.sockets.filter((s) => s.proto === "TCP" && s.state === "LISTENING" && s.port !== undefined);
const writableProcesses = (d: DeviceFacts) => d.processes.filter((p) => p.exe && isUserWritable(p.exe));
const host = (d: DeviceFacts) => d.computerDnsName.split(".")[0].toLowerCase();
// A local account is "HOST\name": across devices it is the same kind of member, so its key drops the host.
const memberKey = (d: DeviceFacts, group: string, member: string) => `${group.toLowerCase()}|${member.toLowerCase().replace(`${host(d)}\\`, "<host>\\")}`;

export interface HostStatePrevalence { ports: Prevalence; exes: Prevalence; members: Prevalence }

export const hostStatePrevalence = (keepHosts: number): HostStatePrevalence => ({ ports: new Prevalence(keepHosts), exes: new Prevalence(keepHosts), members: new Prevalence(keepHosts) });

export function addHostStateKeys(p: HostStatePrevalence, d: DeviceFacts, device: number): void {
  for (const s of listening(d)) p.ports.add(String(s.port), device);
  for (const x of writableProcesses(d)) p.exes.add(normalise(x.exe), device);
  for (const m of d.members) if (PRIVILEGED.test(m.group)) p.members.add(memberKey(d, m.group, m.member), device);
}

export function hostStateFindingsFor(d: DeviceFacts, p: HostStatePrevalence, fleet: Fleet): Draft[] {
  return [...networkFindings(d, p.ports, fleet), ...processFindings(d, p.exes, fleet), ...groupFindings(d, p.members, fleet)];
}

function networkFindings(d: DeviceFacts, ports: Prevalence, { size, rareMax }: Fleet): Draft[] {
  // Too few devices for a baseline: only listeners whose owner runs from a user-writable folder are reported.
  const baseline = size > rareMax;
  const out: Draft[] = [];
  const seen = new Set<number>();
  for (const s of listening(d)) {
    const n = ports.count(String(s.port));
    const owner = d.processes.find((p) => p.pid !== undefined && p.pid === s.pid);
    const writable = !!owner && isUserWritable(owner.exe);
    if ((baseline ? n > rareMax : !writable) || seen.has(s.port!)) continue;
    seen.add(s.port!);
    out.push(draft(d, {
      category: "network", kind: "unusual-listener", severity: writable ? "high" : "medium",
      title: `listens on TCP ${s.port} (${n} of ${size} devices do${baseline ? "" : ": too few devices for a baseline"}), owner ${owner ? `${owner.name} (PID ${s.pid})${writable ? " from a user-writable folder" : ""}` : `PID ${s.pid} not in Processes`}`,
      details: { port: s.port!, local: s.local, pid: s.pid ?? "", process: owner?.name ?? "", path: owner?.exe ?? "" },
      evidence: [ref(d, s), ...(owner ? [ref(d, owner)] : [])],
    }));
  }
  return out;
}

function processFindings(d: DeviceFacts, exes: Prevalence, { size, rareMax }: Fleet): Draft[] {
  const baseline = size > rareMax;
  return writableProcesses(d).map((p) => {
    const n = exes.count(normalise(p.exe));
    const rare = baseline && n <= rareMax;
    // Programs rarely run from a temp folder; without a baseline that alone is enough, with one it must also be rare.
    const temp = !baseline && TEMP.test(p.exe);
    return draft(d, {
      category: "process", kind: "user-writable-process", severity: rare || temp ? "high" : "low",
      title: `${p.name} (PID ${p.pid ?? "?"}) runs from a user-writable ${TEMP.test(p.exe) ? "temp " : ""}folder${baseline ? (rare ? `, on ${n} of ${size} devices` : ` (common: ${n} devices)`) : " (too few devices for a baseline)"}: ${p.exe}`,
      details: { process: p.name, pid: p.pid ?? "", path: p.exe, commandLine: p.commandLine, parentPid: p.ppid ?? "", devices: n, ...parentOf(d, p) },
      evidence: [ref(d, p)],
    });
  });
}

const parentOf = (d: DeviceFacts, p: ProcessFact): Record<string, string> => {
  const parent = d.processes.find((q) => q.pid !== undefined && q.pid === p.ppid);
  return parent ? { parent: parent.name } : {};
};

function groupFindings(d: DeviceFacts, members: Prevalence, { size, rareMax }: Fleet): Draft[] {
  if (size <= rareMax) return [];
  const out: Draft[] = [];
  for (const m of d.members.filter((x) => PRIVILEGED.test(x.group))) {
    const n = members.count(memberKey(d, m.group, m.member));
    if (n > rareMax) continue;
    const local = m.member.toLowerCase().startsWith(`${host(d)}\\`);
    const account = m.member.includes("\\") ? m.member.slice(m.member.indexOf("\\") + 1) : m.member;
    out.push(draft(d, {
      category: "group", kind: "rare-group-member", severity: local ? "high" : "medium",
      title: `${m.member} is in ${m.group} on ${n} of ${size} devices${local ? " (a local account of this device)" : ""}`,
      details: { group: m.group, member: m.member, account, local: local ? "yes" : "no", devices: n },
      evidence: [ref(d, m)],
    }));
  }
  return out;
}
