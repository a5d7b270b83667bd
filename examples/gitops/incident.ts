/**
 * The incident model is the runbook's (examples/incident-runbook/incident.ts). In your own
 * repository, copy that file over this one.
 */
export * from "../incident-runbook/incident";
