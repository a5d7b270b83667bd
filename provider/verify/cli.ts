#!/usr/bin/env node
/**
 * `mde-forensics verify <folder | azblob://account/container/prefix> [--public-key key.pub.pem]...
 * [--tsa-root tsa-ca.pem]... [--json] [--report]` and the provider's sign-in settings as flags
 * (args.ts, credential.ts); `--help` for all of it.
 *
 * For an investigator, after the fact and without Pulumi: recomputes every package's SHA-256,
 * checks manifests, ZIPs, the custody chain against its signed head, every envelope's claims and
 * (given public keys) every signature; prints one row per package and each signer's key id.
 *
 * Exit codes (docs/evidence.md): 0 intact and every signature by a trusted key; 1 something is
 * broken or unaccounted for, or the evidence could not be read (then nothing is established);
 * 3 intact, but authenticity not established (unsigned, or no key given); 2 a usage error only.
 * Bad evidence is never a 2 and never a crash, and an unreadable location is never a 3: a
 * script that accepts unsigned evidence (3) must not accept evidence nobody read.
 */
import { readFileSync } from "node:fs";
import type { KeyObject } from "node:crypto";
import { isBlobDestination, parseBlobDestination } from "../evidence/blob/destination";
import { loadPublicKey } from "../evidence/signingKey";
import { pemCertificates } from "../evidence/timestamp/token";
import { errorMessage, ForensicsError } from "../util/error";
import { parseVerifyArgs, VERIFY_USAGE as USAGE, type VerifyArgs } from "./args";
import { exitCodeOf, verifyLocation, type VerifyReport } from "./checks";
import { verifyCredential } from "./credential";
import { openSource } from "./open";
import { renderReport } from "./render";
import { renderStatement } from "./statement";

export { renderReport } from "./render";

type Write = (s: string) => void;

export async function main(argv: string[], out: Write = (s) => process.stdout.write(s), err: Write = (s) => process.stderr.write(s)): Promise<number> {
  const [command, ...rest] = argv;
  if (command === "--help" || command === "-h") {
    out(USAGE);
    return 0;
  }
  if (command !== "verify") {
    err(USAGE);
    return 2;
  }
  let args: VerifyArgs | undefined;
  try {
    args = parseVerifyArgs(rest);
  } catch (e) {
    err(`verify: ${errorMessage(e)}\n\n${USAGE}`);
    return 2;
  }
  if (!args) {
    out(USAGE);
    return 0;
  }
  let publicKeys: KeyObject[];
  let tsaRoots: string[];
  let credential: ReturnType<typeof verifyCredential> | undefined;
  try {
    // What the command line says is checked first: a mistake there is a usage error (2).
    publicKeys = args.publicKeyFiles.map((f) => loadPublicKey(readKeyFile(f), `--public-key ${f}`));
    tsaRoots = args.tsaRootFiles.map((f) => {
      const pem = readKeyFile(f);
      pemCertificates(pem);
      return pem;
    });
    if (isBlobDestination(args.location)) {
      parseBlobDestination(args.location);
      credential = verifyCredential(args.signIn);
    }
  } catch (e) {
    err(`verify: ${errorMessage(e)}\n`);
    return 2;
  }
  let source: Awaited<ReturnType<typeof openSource>>;
  try {
    source = await openSource(args.location, credential);
    await source.list();
  } catch (e) {
    // A folder that is not there is a wrong argument; a container that cannot be read (sign-in,
    // network, storage permissions) is evidence nobody checked: exit 1, never "intact".
    if (!credential) {
      err(`verify: ${errorMessage(e)}\n`);
      return 2;
    }
    err(`verify: NOT VERIFIED, the evidence could not be read: ${errorMessage(e)}\n`);
    return 1;
  }
  let report: VerifyReport;
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
      process.stderr.write(`verify: internal error, nothing verified: ${errorMessage(e)}\n`);
      process.exit(1);
    },
  );
}
