/**
 * The sweep's optional last step: with `reportDirectory` (and an evidence location), the triage
 * report (provider/report) of the evidence location is written there after the machines are
 * done, succeeded or not, and its path becomes the `reportPath` output. A report that fails
 * is logged, never fails the collection: the evidence is kept either way, and
 * `mde-forensics report` can make it later. Its `reported` custody line goes through the
 * evidence handler, which signs the custody head with the stack's key as after every event.
 */
import { isBlobDestination } from "../evidence/blob/destination";
import { resolveEvidencePath } from "../evidence/projectPath";
import { createReport } from "../report/run";
import type { EvidenceHandler } from "../evidence/subject";
import type { Clock } from "../util/clock";
import type { SweepSettings } from "./state";

export async function reportAfterSweep(shared: { clock: Clock; log: (line: string) => void; evidence?: EvidenceHandler }, settings: SweepSettings): Promise<string | null> {
  if (!settings.reportDirectory || !settings.evidenceDirectory) return null;
  const location = isBlobDestination(settings.evidenceDirectory) ? settings.evidenceDirectory : resolveEvidencePath(settings.evidenceDirectory);
  try {
    const r = await createReport({ location, outDir: resolveEvidencePath(settings.reportDirectory), clock: shared.clock,
      // Through the evidence handler: the `reported` line is signed into the head with the stack's key, like every other event.
      ...(shared.evidence ? { record: (where: string, event: string, subject: Record<string, never>, extra: Record<string, string | number | boolean | null>) => shared.evidence!.record(where, event, subject, extra) } : {}) });
    const high = r.report.findings.filter((f) => f.severity === "high").length;
    shared.log(`sweep ${settings.sweepName}: triage report ${r.html} (${r.report.fleet.verified} package(s) read, ${high} high finding(s))`);
    return r.html;
  } catch (err) {
    shared.log(`sweep ${settings.sweepName}: the triage report could not be made (${(err as Error).message}); run \`mde-forensics report ${location}\` later`);
    return null;
  }
}
