/**
 * Incident runbook: the stack config names the incident and the affected devices; `pulumi up`
 * collects an investigation package from each and keeps it as evidence. A follow-up (a new alert,
 * more devices, a device to collect again) is an edit of the config and another `pulumi up`,
 * which collects only what the edit added. See README.md.
 */
import * as pulumi from "@pulumi/pulumi";
import * as path from "node:path";
import { declareIncident, type FollowUp, parseIncidentSpec } from "./incident";
import { triageReport } from "./triageReport";

const config = new pulumi.Config();
const spec = parseIncidentSpec(
  {
    incident: config.require("incident"),
    reason: config.get("reason"),
    devices: config.requireObject<string[]>("devices"),
    followUps: config.getObject<FollowUp[]>("followUps"),
    rounds: config.getObject<Record<string, number>>("rounds"),
    evidenceDirectory: config.get("evidenceDirectory"),
    timeoutMinutes: config.getNumber("timeoutMinutes"),
  },
  `the config of stack ${pulumi.getStack()}`,
);

export const incident = spec.incident;
export const collections = declareIncident(spec, `the config of stack ${pulumi.getStack()}`);
/** With `reportDirectory`: report.html of the triage report of this incident's evidence (docs/report.md). */
// The location as the collections got it: an azblob:// destination whole (path.resolve would make it ./azblob:/…).
export const reportPath = triageReport(config.get("reportDirectory"), spec.evidenceDirectory ?? path.join("evidence", spec.incident), collections);
