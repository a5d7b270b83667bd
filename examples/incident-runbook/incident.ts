/**
 * An incident as data, and the collections it calls for: one investigation package per device,
 * taken once per round. The runbook reads this from stack config, the GitOps example from
 * `incidents/<stack>.yaml`; both declare the same resources, so one `pulumi up` after any edit
 * collects exactly what the edit added.
 *
 * Why one collection per device (not per alert): MDE runs one collection per device at a time,
 * and a second resource for the same device would only adopt the first one's action. A device
 * named again by a later alert is already collected; `rounds` says when to collect it again.
 */
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { InvestigationPackageCollection, MACHINE_ID_PATTERN } from "pulumi-mde-forensics";

export interface FollowUp {
  /** The new alert (or incident update) that brought more devices in. */
  alert: string;
  devices: string[];
  /** Why these devices; goes into the MDE comment. @default the incident's reason */
  note?: string;
}

export interface IncidentSpec {
  /** Incident or alert id, e.g. INC-2041 or an MDE incident number; starts every MDE comment. */
  incident: string;
  /** Why packages are collected; goes into the MDE comment. @default "incident response" */
  reason?: string;
  /** Device names (FQDN as MDE shows it) or 40-character MDE machine ids. */
  devices: string[];
  /** Later alerts, appended in order; never edit one that was applied (its comments would change). */
  followUps?: FollowUp[];
  /** Device → round (1, 2, ...). Raising a device's round collects it again. @default 1 */
  rounds?: Record<string, number>;
  /** Where packages, manifests and custody.jsonl go. @default evidence/<incident> */
  evidenceDirectory?: string;
  /** How long one `pulumi up` waits for a collection. @default 60 (the resource's default) */
  timeoutMinutes?: number;
}

/** One collection the incident calls for. */
export interface PlannedCollection {
  /** Pulumi resource name: derived from the device, stable across rounds. */
  name: string;
  device: string;
  comment: string;
  round: number;
  /** The follow-up alert that first named the device; undefined for the initial devices. */
  alert?: string;
}

export class IncidentSpecError extends Error {
  override readonly name = "IncidentSpecError";
  constructor(
    readonly source: string,
    readonly issues: string[],
  ) {
    super(`invalid incident in ${source}:\n${issues.map((i) => `  - ${i}`).join("\n")}`);
  }
}

const KEYS = ["incident", "reason", "devices", "followUps", "rounds", "evidenceDirectory", "timeoutMinutes"];
/** MDE keeps 1000 characters; InvestigationPackageCollection appends a 13-character correlation marker. */
const MAX_COMMENT = 987;

/** Checks a raw object (YAML or stack config) and returns it typed; lists every problem at once. */
export function parseIncidentSpec(raw: unknown, source: string): IncidentSpec {
  const issues: string[] = [];
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) throw new IncidentSpecError(source, ["expected a mapping of incident settings"]);
  const o = raw as Record<string, unknown>;
  for (const key of Object.keys(o)) if (!KEYS.includes(key)) issues.push(`unknown key '${key}' (known: ${KEYS.join(", ")})`);
  const text = (key: string, v: unknown, required: boolean) => {
    if (v === undefined && !required) return;
    if (typeof v !== "string" || v.trim() === "") issues.push(`${key} must be a non-empty string`);
    else if (/[\u0000-\u001f]/.test(v)) issues.push(`${key} must not contain control characters`);
  };
  const deviceList = (key: string, v: unknown) => {
    if (!Array.isArray(v) || v.length === 0) return issues.push(`${key} must be a non-empty list of device names or machine ids`);
    v.forEach((d, i) => text(`${key}[${i}]`, d, true));
  };
  text("incident", o.incident, true);
  text("reason", o.reason, false);
  deviceList("devices", o.devices);
  if (o.followUps !== undefined) {
    if (!Array.isArray(o.followUps)) issues.push("followUps must be a list of { alert, devices, note }");
    else
      o.followUps.forEach((f, i) => {
        if (typeof f !== "object" || f === null) return issues.push(`followUps[${i}] must be a mapping with alert and devices`);
        const extra = Object.keys(f).filter((k) => !["alert", "devices", "note"].includes(k));
        if (extra.length > 0) issues.push(`followUps[${i}]: unknown key '${extra[0]}' (known: alert, devices, note)`);
        text(`followUps[${i}].alert`, (f as FollowUp).alert, true);
        text(`followUps[${i}].note`, (f as FollowUp).note, false);
        deviceList(`followUps[${i}].devices`, (f as FollowUp).devices);
      });
  }
  if (o.rounds !== undefined) {
    if (typeof o.rounds !== "object" || o.rounds === null || Array.isArray(o.rounds)) issues.push("rounds must map device names to round numbers");
    else
      for (const [device, round] of Object.entries(o.rounds)) {
        if (!Number.isInteger(round) || (round as number) < 1) issues.push(`rounds.${device} must be a whole number ≥ 1`);
      }
  }
  text("evidenceDirectory", o.evidenceDirectory, false);
  if (o.timeoutMinutes !== undefined && (!Number.isInteger(o.timeoutMinutes) || (o.timeoutMinutes as number) < 1)) {
    issues.push("timeoutMinutes must be a whole number of minutes ≥ 1");
  }
  if (issues.length > 0) throw new IncidentSpecError(source, issues);
  return o as unknown as IncidentSpec;
}

/** Resource name for a device: `win11-ws01.contoso.local` → `win11-ws01-contoso-local`. */
export function resourceName(device: string): string {
  return device.trim().toLowerCase().replace(/[^a-z0-9-]+/g, "-").replace(/^-+|-+$/g, "");
}

/**
 * The collections an incident calls for, in order: the initial devices, then each follow-up's
 * devices not named before. Pure, so it can be tested without Pulumi. `notes` receives one line
 * per device a follow-up names again (nothing new is collected for it).
 */
export function planCollections(spec: IncidentSpec, source = "incident", notes: (line: string) => void = () => undefined): PlannedCollection[] {
  const issues: string[] = [];
  const reason = spec.reason?.trim() || "incident response";
  const byKey = new Map<string, PlannedCollection>();
  const byName = new Map<string, string>();
  const add = (device: string, alert: string | undefined, why: string) => {
    const key = device.trim().toLowerCase();
    const first = byKey.get(key);
    if (first) {
      if (alert === undefined) issues.push(`devices lists ${device} twice`);
      else notes(`${device}: already collected for ${spec.incident}${first.alert ? ` (alert ${first.alert})` : ""}${first.round > 1 ? `, round ${first.round}` : `; raise rounds['${device}'] to collect it again`}`);
      return;
    }
    const name = resourceName(device);
    const clash = byName.get(name);
    if (clash) return issues.push(`${device} and ${clash} would get the same resource name '${name}'`);
    const round = spec.rounds?.[device] ?? spec.rounds?.[key] ?? 1;
    const comment = `${spec.incident}${alert ? `, alert ${alert}` : ""}: ${why}${round > 1 ? ` (round ${round})` : ""}`;
    if (comment.length > MAX_COMMENT) issues.push(`the MDE comment for ${device} would be ${comment.length} characters; MDE takes 1000, less 13 for the correlation marker: at most ${MAX_COMMENT}`);
    byKey.set(key, { name, device: device.trim(), comment, round, alert });
    byName.set(name, device);
  };
  for (const device of spec.devices) add(device, undefined, reason);
  for (const f of spec.followUps ?? []) for (const device of f.devices) add(device, f.alert, f.note?.trim() || reason);
  for (const device of Object.keys(spec.rounds ?? {})) {
    if (!byKey.has(device.trim().toLowerCase())) issues.push(`rounds names ${device}, which is neither in devices nor in a follow-up`);
  }
  if (issues.length > 0) throw new IncidentSpecError(source, issues);
  return [...byKey.values()];
}

/** What the stack exports per device: enough to answer "what do we have, and where is it?". */
export interface CollectionSummary {
  actionId: pulumi.Output<string>;
  status: pulumi.Output<string>;
  adopted: pulumi.Output<boolean>;
  round: number;
  machineId: pulumi.Output<string>;
  packageSha256: pulumi.Output<string | undefined>;
  packagePath: pulumi.Output<string | undefined>;
}

/**
 * Declares the incident's collections. Each carries `triggers: { round }`, so raising a device's
 * round replaces (re-collects) that device only; everything else stays as it is.
 */
export function declareIncident(spec: IncidentSpec, source: string): Record<string, CollectionSummary> {
  // Passed as written: the resource resolves a relative folder against the project folder, and an
  // azblob:// destination must reach it whole (path.resolve would turn it into ./azblob:/…).
  const evidenceDirectory = spec.evidenceDirectory ?? path.join("evidence", spec.incident);
  const planned = planCollections(spec, source, (line) => void pulumi.log.info(line));
  const out: Record<string, CollectionSummary> = {};
  for (const p of planned) {
    const c = new InvestigationPackageCollection(p.name, {
      ...(MACHINE_ID_PATTERN.test(p.device) ? { machineId: p.device } : { computerDnsName: p.device }),
      comment: p.comment,
      triggers: { round: String(p.round) },
      evidenceDirectory,
      ...(spec.timeoutMinutes ? { timeoutMinutes: spec.timeoutMinutes } : {}),
    });
    out[p.device] = {
      actionId: c.actionId,
      status: c.status,
      adopted: c.adopted,
      round: p.round,
      machineId: c.machineId,
      packageSha256: c.packageSha256,
      packagePath: c.packagePath,
    };
  }
  return out;
}
