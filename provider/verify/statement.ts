/**
 * `verify --report`: a short statement an investigator can attach, in the spirit of a US Federal
 * Rule of Evidence 902(14) certification (data identified by its hash). It states what this run
 * checked, by which key ids, and what it could not establish; it claims nothing it did not check:
 * a signer is "trusted" only when a given key verified it, and times are the writer's records
 * unless a trusted timestamp was checked.
 */
import { exitCodeOf, type VerifyReport } from "./checks";

const OUTCOME = {
  0: "INTACT AND AUTHENTICATED: every check below held, and every signature was made by a key the investigator supplied",
  1: "NOT INTACT: at least one check below failed, or the location holds something this tool cannot account for",
  3: "INTACT, AUTHENTICITY NOT ESTABLISHED: every check below held, but signatures were absent or not checked against a supplied key",
} as const;

export interface InvestigatorStatement {
  json: Record<string, unknown>;
  text: string;
}

export function renderStatement(r: VerifyReport): InvestigatorStatement {
  const code = exitCodeOf(r);
  const trusted = r.signers.filter((s) => s.status === "trusted").map((s) => s.keyId);
  const claimed = r.signers.filter((s) => s.status !== "trusted").map((s) => s.keyId);
  const checks = [
    "each package's SHA-256, recomputed from its bytes, against its manifest, its custody records and its envelope's subject",
    "each package's ZIP structure: central directory, and every entry's size and CRC-32 (nothing extracted)",
    "each manifest's bytes against the SHA-256 its custody record holds, and against the predicate of its envelope",
    `the custody log's hash chain, line by line (${r.chain.lines} line(s)), against the signed head (${r.chain.coveredLines ?? 0} line(s) covered)`,
    "that every file in the location is evidence this tool wrote (nothing unaccounted for), and that none is a link or a special file",
  ];
  const trustedStamps = r.timestamps.filter((t) => t.status === "trusted");
  const lastStamp = trustedStamps.at(-1);
  if (r.timestamps.length) checks.push("each RFC 3161 time-stamp token: its imprint against the log's first N lines, its CMS signature and, given a TSA root, its certificate chain");
  const notEstablished = [
    ...r.unproven,
    "the identity of whoever held a signing key (a key id names a key, not a person)",
    lastStamp
      ? `the time of events after line ${lastStamp.lines}: a trusted time-stamp proves only that the first ${lastStamp.lines} line(s) existed at ${lastStamp.genTime}; other times are the writing host's clock`
      : "the time of any event: times are those the writing host's clock recorded; no trusted time-stamp was checked",
  ];
  const json = {
    statement: "pulumi-mde-forensics verification statement",
    tool: r.tool,
    checkedAt: r.checkedAt,
    location: r.location,
    exitCode: code,
    outcome: OUTCOME[code],
    packages: r.rows.map((p) => ({ package: p.package, sha256: p.sha256, chain: p.chain, signature: p.signature })),
    custodyLog: { lines: r.chain.lines, coveredBySignedHead: r.chain.coveredLines, head: r.chain.head },
    timestamps: r.timestamps,
    trustedSigners: trusted,
    claimedButNotVerifiedSigners: claimed,
    checked: checks,
    problems: r.problems,
    notEstablished,
  };
  const bullet = (items: string[]) => (items.length ? items.map((i) => `  - ${i}`) : ["  - none"]);
  const text = [
    "VERIFICATION STATEMENT (pulumi-mde-forensics)",
    `Tool:       ${r.tool}`,
    `Checked at: ${r.checkedAt} (this computer's clock)`,
    `Location:   ${r.location}`,
    `Outcome:    ${OUTCOME[code]} (exit ${code})`,
    "",
    "Packages, identified by SHA-256:",
    ...bullet(r.rows.map((p) => `${p.package}  ${p.sha256}  chain ${p.chain}, signature ${p.signature}`)),
    "",
    "Checked:",
    ...bullet(checks),
    "",
    "Signatures verified with a supplied key, by key id (SHA-256 of the public key):",
    ...bullet(trusted),
    "Key ids claimed by envelopes but not verified:",
    ...bullet(claimed),
    "Time-stamps (RFC 3161):",
    ...bullet(r.timestamps.map((t) => `${t.file}: first ${t.lines} line(s) at ${t.genTime ?? "?"} by ${t.tsa ?? "?"}, ${t.status === "trusted" ? "TSA chained to a supplied root" : t.status === "unchecked" ? "TSA not checked against a root" : "BAD"}`)),
    "",
    "Problems:",
    ...bullet(r.problems),
    "",
    "Not established by this check:",
    ...bullet(notEstablished),
    "",
  ].join("\n");
  return { json, text };
}
