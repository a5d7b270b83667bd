/**
 * `createReport`: the triage report of an evidence location, from code (the CLI in cli.ts and
 * the sweep's `report` option call it). Every package is checked first with `verify`'s own checks
 * (manifest, SHA-256, custody record, ZIP); one that fails is listed as unverified and nothing is
 * read from it. Verified packages are read in place, one at a time, and the outputs are written
 * only into `outDir` under fixed names: report.html, report.json, findings-<kind>.csv. Then a
 * `reported` event with the report's SHA-256 is appended to the location's custody log.
 */
import { mkdir } from "node:fs/promises";
import { join, resolve } from "node:path";
import type { TokenCredential } from "@azure/identity";
import { systemClock, type Clock } from "../util/clock";
import { PACKAGE_NAME, packageVersion } from "../util/packageInfo";
import { isBlobDestination } from "../evidence/blob/destination";
import { verifyLocation } from "../verify/checks";
import { verifyCredential } from "../verify/credential";
import { openSource } from "../verify/open";
import type { PackageRow } from "../verify/packages";
import type { EvidenceSource } from "../verify/source";
import { assembleReport, summaryOf, Timeline, type PackageStatus } from "./assemble";
import { reportedEvent, type CustodySettings } from "./custody";
import type { DeviceFacts } from "./facts";
import { FleetFindings, ordered, type Draft } from "./findings";
import { packageFiles, type PackageFiles } from "./location";
import { removeStale, writeOutputs, type OutputStep, type WrittenReport } from "./outputs";
import { factsSpill } from "./spill";
import { readDevice } from "./parse/device";
import { DEFAULT_LIMITS, type ReadLimits } from "./parse/limits";
import type { TriageReport } from "./schema";

export interface ReportOptions extends CustodySettings {
  /** An evidence folder or azblob://account/container[/prefix]. */
  location: string;
  /** Where report.html, report.json and the CSVs go (created if missing). */
  outDir: string;
  limits?: Partial<ReadLimits>;
  clock?: Clock;
  /** Append the `reported` custody event. @default true */
  custody?: boolean;
  /** Signs in to a blob container. @default the provider's sign-in from the environment (MDE_CREDENTIAL, AZURE_TENANT_ID, AZURE_CLIENT_ID, AZURE_AUTHORITY_HOST, …), as `verify` */
  credential?: TokenCredential;
  /** Progress lines (one per package). */
  log?: (line: string) => void;
  /** Test hook (kill-point test): called at each step where a kill may land. */
  onStep?: (step: "read" | OutputStep) => void;
}

export interface ReportResult extends WrittenReport {
  report: TriageReport;
}

/** A manifest is a few hundred bytes; a larger one is not ours and is not read. */
const MANIFEST_MAX_BYTES = 1 << 20;

export async function createReport(options: ReportOptions): Promise<ReportResult> {
  const clock = options.clock ?? systemClock;
  const limits = { ...DEFAULT_LIMITS, ...options.limits };
  const tool = { name: PACKAGE_NAME, version: packageVersion() };
  // A blob container is read with the provider's own sign-in (the environment, or `credential`), as `verify` reads it.
  const credential = options.credential ?? (isBlobDestination(options.location) ? verifyCredential({}) : undefined);
  const source = await openSource(options.location, credential);
  let statuses: PackageStatus[];
  let locationProblems: string[];
  try {
    const files = await packageFiles(options.location, credential);
    // Before any package is read: a report that could not record itself properly is refused now.
    const reported = options.custody === false ? undefined : await reportedEvent(source, files, options, `${tool.name}@${tool.version}`, clock);
    const verified = await verifyLocation(source);
    locationProblems = verified.problems.filter((p) => !verified.rows.some((r) => p.startsWith(`${r.package}: `)));
    statuses = [];
    const outDir = resolve(options.outDir);
    await mkdir(outDir, { recursive: true });
    await removeStale(outDir);
    // Two passes (findings/index.ts): each package is read once; what the fleet's baselines need is
    // counted, its facts wait in a spill file, and the second pass judges them against the counts.
    const fleet = new FleetFindings(verified.rows.length);
    const drafts: Draft[] = [];
    const timeline = new Timeline();
    const spill = await factsSpill(outDir);
    try {
      for (const row of verified.rows) {
        const status = await readPackage(source, files, row, verified.problems, limits, async (facts) => {
          const { drafts: local, windowsIndex } = fleet.local(facts);
          drafts.push(...local);
          timeline.add(facts.security.hours);
          if (windowsIndex >= 0) await spill.write({ ...facts, security: { ...facts.security, kept: [], hours: {} } });
        });
        options.log?.(`${status.read ? "read" : "UNVERIFIED"} ${row.package}${status.problems.length ? `: ${status.problems[0]}` : ""}`);
        statuses.push(status);
        options.onStep?.("read");
      }
      for await (const d of spill.readBack()) drafts.push(...fleet.againstFleet(d));
    } finally {
      await spill.remove();
    }
    const report = assembleReport(source.label, statuses, ordered(drafts), timeline, locationProblems, tool, new Date(clock.now()).toISOString());
    const result = { report, ...(await writeOutputs(report, outDir, options.onStep)) };
    if (reported) {
      await reported({
        reportSha256: result.htmlSha256, reportJsonSha256: result.jsonSha256, outDir: resolve(options.outDir),
        packages: report.fleet.packages, unverified: report.fleet.unverified, findings: report.findings.length, high: report.findings.filter((f) => f.severity === "high").length,
      });
    }
    return result;
  } finally {
    await source.close?.();
  }
}

/** Verification's verdict on one package and, when it passed, the package read (`use` takes its facts). */
async function readPackage(source: EvidenceSource, files: PackageFiles, row: PackageRow, allProblems: string[], limits: ReadLimits, use: (facts: DeviceFacts) => Promise<void>): Promise<PackageStatus> {
  const problems = allProblems.filter((p) => p.startsWith(`${row.package}: `)).map((p) => p.slice(row.package.length + 2));
  const manifest = parseJson((await source.readBytes(row.package.replace(/\.zip$/, ".json"), MANIFEST_MAX_BYTES))?.toString("utf8"));
  const status: PackageStatus = {
    file: row.package, machineId: row.device, actionId: row.action, computerDnsName: typeof manifest?.computerDnsName === "string" ? manifest.computerDnsName : "",
    sha256: row.sha256, sizeBytes: typeof manifest?.sizeBytes === "number" ? manifest.sizeBytes : 0, problems,
  };
  if (problems.length > 0 || row.sha256 === "-") return status;
  try {
    const facts = await files.withLocalZip(row.package, row.sha256, (zip) =>
      readDevice(zip, { machineId: row.device, actionId: row.action, computerDnsName: status.computerDnsName }, { file: row.package, sha256: row.sha256, sizeBytes: status.sizeBytes }, limits));
    await use(facts);
    status.read = summaryOf(facts);
  } catch (err) {
    status.problems.push(`could not be read: ${(err as Error).message}`);
  }
  return status;
}

function parseJson(text: string | undefined): Record<string, unknown> | undefined {
  try {
    const v: unknown = text === undefined ? undefined : JSON.parse(text);
    return v && typeof v === "object" ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
