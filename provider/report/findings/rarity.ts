/**
 * Rarity across the fleet, the first thing a responder stacks (Velociraptor's "stacking"):
 * autoruns, services, scheduled tasks and installed programs present on few devices (at most
 * `rareMax`, max(2, 1% of the fleet)), each finding naming every device that has the item.
 * High when the rare item also runs from a user-writable folder or hides its command (encoded
 * PowerShell, a download cradle); rare software on its own is medium (programs: low).
 */
import type { DeviceFacts, Place } from "../facts";
import { draft, executableOf, type Fleet, isUserWritable, normalise, OBFUSCATED, Prevalence, ref, type Draft } from "./common";

interface Item { key: string; title: string; details: Record<string, string | number>; place: Place; command: string }
type Source = { kind: string; label: string; items: (d: DeviceFacts) => Item[]; program?: boolean };

const SOURCES: Source[] = [
  {
    kind: "rare-autorun", label: "autorun",
    items: (d) => d.autoruns.filter((a) => a.value !== "" && !/^0x0$/.test(a.value)).map((a) => ({
      key: normalise(`${a.key}|${a.name}|${a.value}`), title: `${a.name} = ${a.value}`, details: { location: a.location, key: a.key, name: a.name, value: a.value, path: executableOf(a.value) }, place: a, command: a.value,
    })),
  },
  {
    kind: "rare-service", label: "service",
    items: (d) => d.services.map((s) => ({ key: normalise(`${s.name}|${s.pathName}`), title: `${s.name}: ${s.pathName}`, details: { serviceName: s.name, path: executableOf(s.pathName), pathName: s.pathName, state: s.state, ...(s.pid ? { pid: s.pid } : {}) }, place: s, command: s.pathName })),
  },
  {
    kind: "rare-task", label: "scheduled task",
    items: (d) => d.tasks.map((t) => ({ key: normalise(`${t.name}|${t.run}`), title: `${t.name}: ${t.run}`, details: { taskName: t.name, command: t.run, runAs: t.runAs, author: t.author }, place: t, command: t.run })),
  },
  {
    kind: "rare-program", label: "installed program", program: true,
    items: (d) => d.programs.map((p) => ({ key: normalise(`${p.name}|${p.vendor}`), title: `${p.name} ${p.version}`, details: { name: p.name, version: p.version, vendor: p.vendor }, place: p, command: "" })),
  },
];

/** One prevalence per source (autoruns, services, tasks, programs). */
export const rarityPrevalences = (keepHosts: number) => SOURCES.map(() => new Prevalence(keepHosts));

/** First pass: the device's items, counted. */
export function addRarityKeys(prevalences: Prevalence[], d: DeviceFacts, device: number): void {
  SOURCES.forEach((source, k) => source.items(d).forEach((it) => prevalences[k].add(it.key, device)));
}

/** Second pass: the device's items that few devices of the fleet have. */
export function rarityFindingsFor(d: DeviceFacts, prevalences: Prevalence[], fleet: Fleet): Draft[] {
  if (fleet.size <= fleet.rareMax) return [];
  const out: Draft[] = [];
  SOURCES.forEach((source, k) => {
    const prevalence = prevalences[k];
    const seen = new Set<string>();
    for (const it of source.items(d)) {
      const n = prevalence.count(it.key);
      if (n > fleet.rareMax || seen.has(it.key)) continue;
      seen.add(it.key);
      const exe = executableOf(it.command);
      const why = source.program ? "" : OBFUSCATED.test(it.command) ? "hides its command" : isUserWritable(exe) ? "runs from a user-writable folder" : "";
      out.push(draft(d, {
        category: "rarity", kind: source.kind, severity: why ? "high" : source.program ? "low" : "medium",
        title: `rare ${source.label} (${n} of ${fleet.size} devices)${why ? `, ${why}` : ""}: ${it.title}`,
        details: { ...it.details, devices: n },
        hosts: prevalence.devices(it.key).map((j) => fleet.names[j]),
        evidence: [ref(d, it.place)],
      }));
    }
  });
  return out;
}
