#!/usr/bin/env node
/**
 * `mde-forensics verify <folder | azblob://account/container/prefix> [--public-key key.pub.pem]... [--tsa-root tsa-ca.pem]... [--json] [--report]`
 *
 * For an investigator, after the fact and without Pulumi: recomputes every package's SHA-256,
 * checks manifests, ZIPs, the custody chain against its signed head, every envelope's claims and
 * (given public keys) every signature; prints one row per package and each signer's key id.
 *
 * Exit codes (docs/evidence.md): 0 intact and every signature by a trusted key; 1 something is
 * broken or unaccounted for; 3 intact, but authenticity not established (unsigned, or no key
 * given); 2 a usage error only. Bad evidence is never a 2 and never a crash.
 */
import { readFileSync } from "node:fs";
import type { KeyObject } from "node:crypto";
import { loadPublicKey } from "../evidence/signingKey";
import { pemCertificates } from "../evidence/timestamp/token";
import { ForensicsError } from "../util/error";
import { exitCodeOf, verifyLocation, type VerifyReport } from "./checks";
import { openSource } from "./open";
import { renderReport } from "./render";
import { renderStatement } from "./statement";

export { renderReport } from "./render";

const USAGE = "usage: mde-forensics verify <folder | azblob://<account>/<container>[/<prefix>]> [--public-key <pem file>]... [--tsa-root <pem file>]... [--json] [--report]";

interface Args {
  location: string;
  keyFiles: string[];
  tsaRootFiles: string[];
  json: boolean;
  report: boolean;
}

function parseArgs(rest: string[]): Args | string {
  const a: Partial<Args> & { keyFiles: string[]; tsaRootFiles: string[] } = { keyFiles: [], tsaRootFiles: [], json: false, report: false };
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i];
    if (arg === "--public-key") {
      const file = rest[++i];
      if (!file || file.startsWith("--")) return "--public-key needs a PEM file";
      a.keyFiles.push(file);
    } else if (arg === "--tsa-root") {
      const file = rest[++i];
      if (!file || file.startsWith("--")) return "--tsa-root needs a PEM certificate file";
      a.tsaRootFiles.push(file);
    } else if (arg === "--json") a.json = true;
    else if (arg === "--report") a.report = true;
    else if (!arg.startsWith("--") && a.location === undefined) a.location = arg;
    else return `unknown argument ${arg}`;
  }
  return a.location ? (a as Args) : "no evidence location given";
}

export async function main(argv: string[], out: (s: string) => void = (s) => process.stdout.write(s), err: (s: string) => void = (s) => process.stderr.write(s)): Promise<number> {
  const [command, ...rest] = argv;
  const args = command === "verify" ? parseArgs(rest) : "";
  if (typeof args === "string") {
    err(`${args ? `${args}\n` : ""}${USAGE}\n`);
    return 2;
  }
  let publicKeys: KeyObject[];
  let tsaRoots: string[];
  let source: Awaited<ReturnType<typeof openSource>>;
  let report: VerifyReport;
  try {
    publicKeys = args.keyFiles.map((f) => loadPublicKey(readKeyFile(f), `--public-key ${f}`));
    tsaRoots = args.tsaRootFiles.map((f) => {
      const pem = readKeyFile(f);
      pemCertificates(pem);
      return pem;
    });
    source = await openSource(args.location);
    // What cannot even be listed is a wrong location (usage); everything after is a finding.
    await source.list();
  } catch (e) {
    err(`verify: ${(e as Error).message}\n`);
    return 2;
  }
  try {
    report = await verifyLocation(source, { publicKeys, tsaRoots });
  } finally {
    await source.close?.();
  }
  if (args.report) out(args.json ? `${JSON.stringify(renderStatement(report).json, null, 2)}\n` : renderStatement(report).text);
  else out(args.json ? `${JSON.stringify(report, null, 2)}\n` : renderReport(report));
  const code = exitCodeOf(report);
  if (code === 1) err(`verify: FAILED: ${report.problems[0]}${report.problems.length > 1 ? ` (and ${report.problems.length - 1} more problem(s) above)` : ""}\n`);
  if (code === 3) err(`verify: intact as far as checked, but authenticity not established: ${report.unproven[0]}${report.unproven.length > 1 ? ` (and ${report.unproven.length - 1} more above)` : ""}\n`);
  return code;
}

function readKeyFile(file: string): string {
  try {
    return readFileSync(file, "utf8");
  } catch (e) {
    throw new ForensicsError(`cannot read ${file} (${(e as { code?: string }).code ?? "error"})`);
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (e) => {
      // Reached only by a defect: bad evidence is reported, not thrown. Not 2: that means usage.
      process.stderr.write(`verify: internal error, nothing verified: ${(e as Error).message}\n`);
      process.exit(1);
    },
  );
}
