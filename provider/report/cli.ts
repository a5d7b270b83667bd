/**
 * `mde-forensics report <folder | azblob://account/container/prefix> [--out <dir>] [--signing-key <pem>] [--no-custody]`
 *
 * For a responder after a sweep: verifies every package, reads the verified ones in place and
 * writes report.html, report.json and findings-<kind>.csv into --out (default ./report), then
 * records a `reported` custody event with the report's SHA-256 (and re-signs the custody head
 * with --signing-key or MDE_EVIDENCE_SIGNING_KEY_FILE: custody.ts). Prints one summary line per
 * severity and where the files are; exits 0, or 2 for a usage or location error. Findings do
 * not change the exit code (a report is not a verdict); unverified packages are listed.
 */
import { SIGNING_KEY_CONFIG } from "../evidence/signingKey";
import { memoryTrace } from "./memoryTrace";
import { createReport } from "./run";

const USAGE = "usage: mde-forensics report <folder | azblob://<account>/<container>[/<prefix>]> [--out <dir>] [--signing-key <pem>] [--no-custody] [--quiet]";

const HELP = `usage: mde-forensics report <folder | azblob://<account>/<container>[/<prefix>]>
                            [--out <dir>] [--signing-key <pem>] [--no-custody] [--quiet]

Verifies every package of the evidence location, reads the verified ones in place and writes
report.html, report.json and findings-<kind>.csv into --out; appends a \`reported\` custody event.

  --out <dir>           where the report goes (default ./report); nothing is written elsewhere
  --signing-key <pem>   the evidence signing key (default: MDE_EVIDENCE_SIGNING_KEY_FILE): re-signs
                        the custody head after the \`reported\` line, so verify still vouches for it;
                        required when the location's custody log is signed
  --no-custody          leave the custody log alone (a dry look)
  --quiet               no line per package on stderr
  -h, --help            this help

A blob container is read with the provider's sign-in from the environment (AZURE_TENANT_ID,
AZURE_CLIENT_ID, AZURE_CLIENT_SECRET or a certificate or workload identity, AZURE_AUTHORITY_HOST,
MDE_CREDENTIAL, MDE_CLOUD), as \`pulumi up\` used it. Exit 0 when the report was written
(findings do not change it), 2 for a usage or location error. docs/report.md says more.
`;

export async function reportMain(argv: string[], out: (s: string) => void = (s) => process.stdout.write(s), err: (s: string) => void = (s) => process.stderr.write(s)): Promise<number> {
  let location: string | undefined;
  let outDir = "report";
  let custody = true;
  let quiet = false;
  // As the provider: a key file named by the environment signs the custody head after the `reported` line.
  let keyFile = process.env[SIGNING_KEY_CONFIG.env]?.trim() || undefined;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === "--help" || a === "-h") {
      out(HELP);
      return 0;
    }
    if (a === "--out" && argv[i + 1] !== undefined) outDir = argv[++i];
    else if (a === "--signing-key" && argv[i + 1] !== undefined) keyFile = argv[++i];
    else if (a === "--no-custody") custody = false;
    else if (a === "--quiet") quiet = true;
    else if (!a.startsWith("--") && location === undefined) location = a;
    else {
      err(`unknown argument ${a}\n${USAGE}\n`);
      return 2;
    }
  }
  if (!location) {
    err(`${USAGE}\n`);
    return 2;
  }
  try {
    const memory = memoryTrace(err);
    const log = (line: string) => {
      if (!quiet) err(`${line}\n`);
      memory?.();
    };
    const r = await createReport({ location, outDir, custody, signingKey: keyFile ? { file: keyFile, origin: "--signing-key" } : undefined, log: quiet && !memory ? undefined : log });
    const by = (s: string) => r.report.findings.filter((f) => f.severity === s).length;
    out(`${r.report.fleet.packages} package(s): ${r.report.fleet.verified} verified, ${r.report.fleet.unverified} unverified\n`);
    out(`findings: ${by("high")} high, ${by("medium")} medium, ${by("low")} low\n`);
    out(`${r.html}\n${r.json}\nreport SHA-256 ${r.htmlSha256}${custody ? " (recorded in the custody log)" : ""}\n`);
    return 0;
  } catch (e) {
    err(`report: ${(e as Error).message}\n`);
    return 2;
  }
}
