/**
 * `mde-forensics verify`'s command line: the location, the public key, the report format and
 * the sign-in settings for blob containers (signInArgs.ts, shared with `mde-forensics report`).
 */
import { parseArgs } from "node:util";
import type { SettingName } from "../api/settingsSchema";
import { ForensicsError } from "../util/error";
import { SIGN_IN_OPTIONS, SIGN_IN_USAGE, signInOf } from "./signInArgs";

/** Every row at most 100 columns: it is read in terminals and pasted into tickets. */
export const VERIFY_USAGE = `usage: mde-forensics verify <location> [--public-key <pem>]... [--tsa-root <pem>]...
                             [--json] [--report] [sign-in options]

Checks kept evidence without Pulumi: every package's SHA-256, manifest and ZIP, the custody
chain against its signed head, what every envelope claims and, with --public-key, every
signature; with --tsa-root, every RFC 3161 timestamp. One row per package, each signer's key id.

<location>   a folder, or a blob container, a prefix optional:
               azblob://<account>/<container>[/<prefix>][?endpoint=<https url>]
             endpoint: a sovereign cloud, a private endpoint or Azurite, e.g.
               ?endpoint=https://127.0.0.1:10000/devstoreaccount1

Options:
  --public-key <file>       a signing key you trust (PEM public key); repeat for several
  --tsa-root <file>         a time-stamping authority's root you trust (PEM); repeatable
  --json                    the rows (or, with --report, the statement) as JSON
  --report                  a statement for an investigator: what was checked, by which keys
  -h, --help                this help

${SIGN_IN_USAGE} Read access (Storage Blob Data Reader) is enough.

Exit status (docs/evidence.md says what each proves):
  0  intact, and every signature checked with a key you trust
  1  something is broken or unaccounted for, or the evidence could not be read (sign-in,
     network, storage permissions): nothing is established then
  3  intact, but authenticity not established: unsigned, or no trusted key given
  2  a usage error only
`;

export class VerifyUsageError extends ForensicsError {
  override name = "VerifyUsageError";
}

export interface VerifyArgs {
  location: string;
  /** Keys the investigator trusts: any of them may have signed. */
  publicKeyFiles: string[];
  /** Roots a time-stamping authority must chain to. */
  tsaRootFiles: string[];
  json: boolean;
  /** The investigator's statement instead of the rows. */
  report: boolean;
  /** Sign-in settings given as flags, by the provider's setting name. */
  signIn: Partial<Record<SettingName, string>>;
}

/** `argv` after `verify`; `undefined` means --help. Throws VerifyUsageError for anything malformed. */
export function parseVerifyArgs(argv: string[]): VerifyArgs | undefined {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: true,
      options: {
        "public-key": { type: "string", multiple: true },
        "tsa-root": { type: "string", multiple: true },
        json: { type: "boolean" },
        report: { type: "boolean" },
        help: { type: "boolean", short: "h" },
        ...SIGN_IN_OPTIONS,
      },
    });
  } catch (e) {
    throw new VerifyUsageError((e as Error).message);
  }
  const { values, positionals } = parsed;
  if (values.help) return undefined;
  if (positionals.length !== 1) throw new VerifyUsageError(positionals.length === 0 ? "name the evidence location" : `one location at a time, got ${positionals.length}`);
  const signIn = signInOf(values);
  return {
    location: positionals[0],
    publicKeyFiles: values["public-key"] ?? [],
    tsaRootFiles: values["tsa-root"] ?? [],
    json: values.json === true,
    report: values.report === true,
    signIn,
  };
}
