/**
 * The runbook's optional triage report (config `reportDirectory`): once every collection of the
 * incident has kept its package, `pulumi up` writes the report of the evidence folder
 * (report.html, report.json, a CSV per finding kind) and the stack exports its path. Previews
 * make no report. A report that fails is a warning, never a failed collection.
 */
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { signingKeyFromConfig } from "pulumi-mde-forensics";
import { createReport } from "pulumi-mde-forensics/report";
import type { CollectionSummary } from "./incident";

export function triageReport(reportDirectory: string | undefined, evidenceDirectory: string, collections: Record<string, CollectionSummary>): pulumi.Output<string | null> | null {
  // null, not undefined: a stack output left undefined makes Pulumi warn on every run without a report.
  if (!reportDirectory || pulumi.runtime.isDryRun()) return null;
  // The stack's signing key (if any) re-signs the custody head after the report's `reported` line, so verify still vouches for the log.
  const mde = new pulumi.Config("mde");
  const pem = mde.getSecret("evidenceSigningKey") ?? pulumi.output<string | undefined>(undefined);
  // The path is no secret: only the key was.
  return pulumi.unsecret(pulumi.all([pem, ...Object.values(collections).map((c) => c.packageSha256)]).apply(async ([key]) => {
    try {
      const signingKey = signingKeyFromConfig((name) => (name === "mde:evidenceSigningKey" ? key : mde.get(name.replace(/^mde:/, ""))));
      return (await createReport({ location: evidenceDirectory, outDir: path.resolve(reportDirectory), signingKey })).html;
    } catch (err) {
      void pulumi.log.warn(`the triage report could not be made (${(err as Error).message}); run \`mde-forensics report ${evidenceDirectory}\` later`);
      return null;
    }
  }));
}
