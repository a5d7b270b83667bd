/**
 * `mde-forensics report <folder | azblob://account/container/prefix> [--out <dir>] [--signing-key <pem>] [--no-custody]`
 * and the sign-in flags `verify` takes (provider/verify/signInArgs.ts: one home for both)
 *
 * For a responder after a sweep: verifies every package, reads the verified ones in place and
 * writes report.html, report.json and findings-<kind>.csv into --out (default ./report), then
 * records a `reported` custody event with the report's SHA-256 (and re-signs the custody head
 * with --signing-key or MDE_EVIDENCE_SIGNING_KEY_FILE: custody.ts). Prints one summary line per
 * severity and where the files are; exits 0, or 2 for a usage or location error. Findings do
 * not change the exit code (a report is not a verdict); unverified packages are listed.
 */
import { parseArgs } from "node:util";
import type { TokenCredential } from "@azure/identity";
import { isBlobDestination, parseBlobDestination } from "../evidence/blob/destination";
import { SIGNING_KEY_CONFIG } from "../evidence/signingKey";
import { errorMessage } from "../util/error";
import { verifyCredential } from "../verify/credential";
import { SIGN_IN_OPTIONS, SIGN_IN_USAGE, signInOf } from "../verify/signInArgs";
import { memoryTrace } from "./memoryTrace";
import { createReport } from "./run";

const USAGE = "usage: mde-forensics report <folder | azblob://<account>/<container>[/<prefix>]> [--out <dir>] [--signing-key <pem>] [--no-custody] [--quiet] [sign-in options]";

const HELP = `usage: mde-forensics report <folder | azblob://<account>/<container>[/<prefix>]>
                            [--out <dir>] [--signing-key <pem>] [--no-custody] [--quiet]
                            [sign-in options]

Verifies every package of the evidence location, reads the verified ones in place and writes
report.html, report.json and findings-<kind>.csv into --out; appends a \`reported\` custody event.

  --out <dir>           where the report goes (default ./report); nothing is written elsewhere
  --signing-key <pem>   the evidence signing key (default: MDE_EVIDENCE_SIGNING_KEY_FILE): re-signs
                        the custody head after the \`reported\` line, so verify still vouches for it;
                        required when the location's custody log is signed
  --no-custody          leave the custody log alone (a dry look)
  --quiet               no line per package on stderr
  -h, --help            this help

${SIGN_IN_USAGE} The \`reported\` line is appended to the container's
custody log: write access (Storage Blob Data Contributor), or --no-custody with read access.

Exit 0 when the report was written (findings do not change it), 2 for a usage or location
error. docs/report.md says more.
`;

export async function reportMain(argv: string[], out: (s: string) => void = (s) => process.stdout.write(s), err: (s: string) => void = (s) => process.stderr.write(s)): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: true,
      options: { out: { type: "string" }, "signing-key": { type: "string" }, "no-custody": { type: "boolean" }, quiet: { type: "boolean" }, help: { type: "boolean", short: "h" }, ...SIGN_IN_OPTIONS },
    });
  } catch (e) {
    err(`report: ${errorMessage(e)}\n${USAGE}\n`);
    return 2;
  }
  const { values, positionals } = parsed;
  if (values.help) {
    out(HELP);
    return 0;
  }
  if (positionals.length !== 1) {
    err(`${positionals.length > 1 ? `report: one location at a time, got ${positionals.length}\n` : ""}${USAGE}\n`);
    return 2;
  }
  const location = positionals[0];
  const custody = values["no-custody"] !== true;
  const quiet = values.quiet === true;
  // As the provider: a key file named by the environment signs the custody head after the `reported` line.
  const keyFile = values["signing-key"] ?? (process.env[SIGNING_KEY_CONFIG.env]?.trim() || undefined);
  let credential: TokenCredential | undefined;
  try {
    // As verify: the sign-in flags over the environment, checked before anything is read (a mistake there is a usage error).
    if (isBlobDestination(location)) {
      parseBlobDestination(location);
      credential = verifyCredential(signInOf(values));
    }
  } catch (e) {
    err(`report: ${errorMessage(e)}\n`);
    return 2;
  }
  try {
    const memory = memoryTrace(err);
    const log = (line: string) => {
      if (!quiet) err(`${line}\n`);
      memory?.();
    };
    const r = await createReport({ location, outDir: values.out ?? "report", custody, credential, signingKey: keyFile ? { file: keyFile, origin: "--signing-key" } : undefined, log: quiet && !memory ? undefined : log });
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
