#!/usr/bin/env node
/**
 * `mde-forensics verify <folder | azblob://account/container/prefix> [--public-key key.pub.pem] [--json]`
 * and the provider's sign-in settings as flags (args.ts, credential.ts); `--help` for all of it.
 *
 * For an investigator, after the fact and without Pulumi: recomputes every package's SHA-256,
 * checks manifests, ZIPs, the custody chain and (given the public key) every signature, prints
 * one row per package, and exits 1 naming the first broken item (2 for a usage error, 3 when
 * the evidence could not be read: sign-in, network, storage).
 */
import { readFileSync } from "node:fs";
import { loadPublicKey } from "../evidence/signingKey";
import { ForensicsError } from "../util/error";
import { isBlobDestination, parseBlobDestination } from "../evidence/blob/destination";
import { parseVerifyArgs, VERIFY_USAGE as USAGE, type VerifyArgs } from "./args";
import { verifyLocation, type VerifyReport } from "./checks";
import { verifyCredential } from "./credential";
import { openSource } from "./open";

export async function main(argv: string[], out: (s: string) => void = (s) => process.stdout.write(s), err: (s: string) => void = (s) => process.stderr.write(s)): Promise<number> {
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
    err(`verify: ${(e as Error).message}\n\n${USAGE}`);
    return 2;
  }
  if (!args) {
    out(USAGE);
    return 0;
  }
  const { location, publicKeyFile: keyFile, json } = args;
  let publicKey: ReturnType<typeof loadPublicKey> | undefined;
  let credential: ReturnType<typeof verifyCredential> | undefined;
  try {
    // What the command line says is checked first: a mistake there is a usage error (2).
    publicKey = keyFile ? loadPublicKey(readKeyFile(keyFile), `--public-key ${keyFile}`) : undefined;
    if (isBlobDestination(location)) {
      parseBlobDestination(location);
      credential = verifyCredential(args.signIn);
    }
  } catch (e) {
    err(`verify: ${(e as Error).message}\n`);
    return 2;
  }
  let report: VerifyReport;
  try {
    const source = await openSource(location, credential);
    try {
      report = await verifyLocation(source, publicKey);
    } finally {
      await source.close?.();
    }
  } catch (e) {
    // Sign-in, network or storage: the evidence could not be read, which no argument fixes.
    err(`verify: ${(e as Error).message}\n`);
    return 3;
  }
  out(json ? `${JSON.stringify(report, null, 2)}\n` : renderReport(report));
  if (report.problems.length > 0) {
    err(`verify: FAILED: ${report.problems[0]}${report.problems.length > 1 ? ` (and ${report.problems.length - 1} more problem(s) above)` : ""}\n`);
    return 1;
  }
  return 0;
}

function readKeyFile(file: string): string {
  try {
    return readFileSync(file, "utf8");
  } catch (e) {
    throw new ForensicsError(`cannot read the public key ${file} (${(e as { code?: string }).code ?? "error"})`);
  }
}

export function renderReport(r: VerifyReport): string {
  const header = ["package", "device", "action", "sha256", "chain", "signature"];
  const rows = r.rows.map((x) => [x.package, x.device, x.action, x.sha256, x.chain, x.signature]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i])).join("  ").trimEnd();
  const chain = `custody chain: ${r.chain.ok ? "ok" : "BROKEN"}, ${r.chain.lines} line(s)${r.chain.legacyLines ? `, ${r.chain.legacyLines} written before chaining` : ""}, head ${r.chain.head}`;
  const problems = r.problems.map((p) => `  ✗ ${p}`);
  return [`${r.location}`, line(header), ...rows.map(line), chain, ...(problems.length ? ["problems:", ...problems] : [`${r.rows.length} package(s) verified`]), ""].join("\n");
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (e) => {
      process.stderr.write(`verify: ${(e as Error).message}\n`);
      process.exit(2);
    },
  );
}
