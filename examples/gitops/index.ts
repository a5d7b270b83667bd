/**
 * GitOps: one incident file per stack. `incidents/<stack>.yaml` holds what the runbook keeps in
 * stack config (incident, reason, devices, followUps, rounds, timeoutMinutes), so a reviewed pull
 * request is the change record and `pulumi up` on merge collects what it added. The workflow in
 * .github/workflows/incident-response.yml maps changed files to stacks. See README.md.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { parse } from "yaml";
import { declareIncident, parseIncidentSpec } from "./incident";

const config = new pulumi.Config();
const incidentsDirectory = config.get("incidentsDirectory") ?? "incidents";
/** Where evidence goes on the runner: the workflow uploads it as an artifact after `pulumi up`. */
const evidenceRoot = config.get("evidenceRoot") ?? process.env.EVIDENCE_ROOT ?? "evidence";
/** Where evidence is kept for good: a blob container, azblob://<account>/<container>[?options]. */
const evidenceUrl = config.get("evidence") ?? process.env.EVIDENCE_URL;

/** `<container URL>/<incident>`, the options kept: one prefix per incident in the container. */
function evidenceFor(incident: string): string {
  if (!evidenceUrl) return path.join(evidenceRoot, incident);
  const [base, query] = evidenceUrl.split("?", 2);
  return `${base.replace(/\/+$/, "")}/${incident}${query ? `?${query}` : ""}`;
}

const file = path.resolve(incidentsDirectory, `${pulumi.getStack()}.yaml`);
if (!fs.existsSync(file)) {
  throw new Error(`stack ${pulumi.getStack()} has no incident file ${file}: each stack is named after its incidents/<name>.yaml`);
}
const spec = parseIncidentSpec(parse(fs.readFileSync(file, "utf8")), file);

export const incident = spec.incident;
export const collections = declareIncident(
  { ...spec, evidenceDirectory: spec.evidenceDirectory ?? evidenceFor(spec.incident) },
  file,
);
