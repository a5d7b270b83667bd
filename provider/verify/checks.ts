/**
 * `verify`'s checks over one evidence location: the custody chain (streamed) against its signed
 * head, every package (packages.ts), every envelope (envelopes.ts), and every name in the
 * location, so a file nobody can account for is reported rather than ignored.
 *
 * Three outcomes, so an exit code means something (cli.ts): `problems` (broken, or unaccounted
 * for: exit 1); else `unproven` (intact as far as checked, but authenticity or coverage not
 * established: unsigned, no key given, lines after the signed head: exit 3); else exit 0.
 * Nothing thrown by a check escapes: what cannot be read is a problem with its name.
 *
 * A writer's own traces (custodyFile.ts, keep.ts) are told apart from tampering: a keep marker
 * `<base>.partial` and `custody.head.json.partial` say a write is under way or was interrupted
 * (exit 3, incomplete: what is missing around them is not a problem, what disagrees still is);
 * the lock's files and hidden temporary files are notes.
 */
import { KeyObject } from "node:crypto";
import { HEAD_FILE } from "../evidence/attest";
import { HEAD_PARTIAL_FILE } from "../evidence/custodyFile";
import { CUSTODY_LOG_NAME } from "../evidence/custodyLog";
import { messageOf } from "../evidence/errors";
import { TOKEN_NAME } from "../evidence/timestamp/stampHead";
import { packageVersion } from "../util/packageInfo";
import { ChainReader, type HeadClaim, headClaimOf, readChain } from "./chain";
import { readEnvelopeFile, type SignerRow, Signers } from "./envelopes";
import { checkPackage, packageBase, type PackageRow } from "./packages";
import type { EntryKind, EvidenceSource } from "./source";
import { checkTimestamps, type TimestampRow } from "./timestamps";

export type { PackageRow } from "./packages";

export interface VerifyOptions {
  /** Keys the investigator trusts; several allowed. None: signatures are read, not checked. */
  publicKeys?: readonly KeyObject[];
  /** PEM roots a time-stamping authority's certificate must chain to. None: tokens are read, their TSA not trusted. */
  tsaRoots?: readonly string[];
}

export interface VerifyReport {
  location: string;
  tool: string;
  checkedAt: string;
  rows: PackageRow[];
  /** Broken or unaccounted for, in the order checked; any one means exit 1. */
  problems: string[];
  /** Not established (unsigned, no key, lines not yet covered); exit 3 when there is no problem. */
  unproven: string[];
  /** Neither: a writer's lock or temporary files, said so. */
  notes: string[];
  signers: SignerRow[];
  timestamps: TimestampRow[];
  chain: { ok: boolean; head: "signed" | "unsigned" | "unchecked" | "BAD"; legacyLines: number; lines: number; coveredLines: number | null };
}

export function exitCodeOf(r: Pick<VerifyReport, "problems" | "unproven">): 0 | 1 | 3 {
  return r.problems.length ? 1 : r.unproven.length ? 3 : 0;
}

/** A temporary file of a writer (files.ts, keep.ts): `.<final name>.<pid>-<8 hex>.partial|.tmp`. */
const WRITER_TEMP = /^\.(.+)\.\d+-[0-9a-f]{8}\.(partial|tmp)$/;

export async function verifyLocation(source: EvidenceSource, options: VerifyOptions | KeyObject = {}): Promise<VerifyReport> {
  const keys = options instanceof KeyObject ? [options] : (options.publicKeys ?? []);
  const problems: string[] = [];
  const unproven: string[] = [];
  const notes: string[] = [];
  const signers = new Signers(keys);
  const kinds = new Map<string, EntryKind>((await source.list()).map((e) => [e.name, e.kind]));

  const headPending = kinds.get(HEAD_PARTIAL_FILE) === "file";
  const { claim, head } = await checkHead(source, kinds, signers, problems, unproven, headPending);
  const tokens = new Map<string, number>();
  for (const [name, kind] of kinds) {
    const m = TOKEN_NAME.exec(name);
    if (m && kind === "file") tokens.set(name, Number(m[1]));
  }
  const reader = new ChainReader(claim, false, new Set(tokens.values()));
  try {
    const log = await source.stream(CUSTODY_LOG_NAME);
    if (log) await readChain(log, reader);
    else problems.push("custody.jsonl is missing");
  } catch (err) {
    problems.push(`${messageOf(err)}`.startsWith(CUSTODY_LOG_NAME) ? messageOf(err) : `custody.jsonl cannot be read: ${messageOf(err)}`);
  }
  problems.push(...reader.problems);
  unproven.push(...reader.unproven);
  for (const n of reader.repaired) notes.push(`custody.jsonl line ${n}: a torn last line (a write cut short) was cut off by the next writer and kept in this 'repaired' line`);
  const chainOk = problems.length === 0;

  const bases = new Set(reader.recorded.keys());
  const accounted = new Set([CUSTODY_LOG_NAME, HEAD_FILE, ...tokens.keys()]);
  const marked = new Set<string>();
  if (headPending) {
    unproven.push(`${HEAD_PARTIAL_FILE}: incomplete: a writer is committing a signed head, or was interrupted doing so; the next append completes it`);
    accounted.add(HEAD_PARTIAL_FILE);
  }
  for (const [name, kind] of kinds) {
    const m = /^(.+?)\.(zip|json|intoto\.json)$/.exec(name);
    const marker = /^(.+)\.partial$/.exec(name);
    if (m && packageBase(m[1])) {
      bases.add(m[1]);
      accounted.add(name);
    } else if (marker && kind === "file" && packageBase(marker[1])) {
      marked.add(marker[1]);
      unproven.push(`${name}: incomplete: ${marker[1]}.zip is being kept, or its keep was interrupted; the next run completes it`);
      accounted.add(name);
    } else if (name === `${CUSTODY_LOG_NAME}.lock` || name.startsWith(`${CUSTODY_LOG_NAME}.lock.`)) {
      notes.push(`${name}: a writer holds the custody log's lock (or died holding it)`);
      accounted.add(name);
    } else if (kind === "file" && WRITER_TEMP.test(name)) {
      notes.push(`${name}: a writer's temporary file (a write in progress, or left by an interrupted writer); not evidence, not read`);
      accounted.add(name);
    }
  }
  for (const [name, kind] of kinds) if (!accounted.has(name)) problems.push(`${name}: unaccounted for (${kind === "file" ? "not a file this tool writes" : `a ${kind}`})`);

  const tsaRoots = options instanceof KeyObject ? [] : (options.tsaRoots ?? []);
  const timestamps = await checkTimestamps(source, tokens, reader.digests, reader.completeLines, tsaRoots, { problems, unproven, notes });
  const rows: PackageRow[] = [];
  const ctx = { source, kinds, signers, chainOk, covered: reader.covered, marked, problems, unproven };
  for (const base of [...bases].sort()) {
    try {
      rows.push(await checkPackage(ctx, base, reader.recorded.get(base)));
    } catch (err) {
      problems.push(`${base}.zip: could not be checked: ${messageOf(err)}`);
    }
  }
  const unchecked = signers.list().filter((s) => s.status === "unchecked");
  if (unchecked.length) unproven.unshift(`authenticity not established: no --public-key given; the envelopes claim key id(s) ${unchecked.map((s) => s.keyId).join(", ")}`);
  return {
    location: source.label,
    tool: `pulumi-mde-forensics@${packageVersion()}`,
    checkedAt: new Date().toISOString(),
    rows,
    problems,
    unproven,
    notes,
    signers: signers.list(),
    timestamps,
    chain: { ok: chainOk, head, legacyLines: reader.legacyLines, lines: reader.completeLines, coveredLines: reader.covered ?? null },
  };
}

/** The signed head's claims (checked against the log by the chain reader) and who made them. */
async function checkHead(source: EvidenceSource, kinds: Map<string, EntryKind>, signers: Signers, problems: string[], unproven: string[], headPending: boolean) {
  const read = kinds.has(HEAD_FILE) ? await readEnvelopeFile(source, HEAD_FILE) : undefined;
  let claim: HeadClaim | undefined;
  let head: VerifyReport["chain"]["head"] = "unsigned";
  if (read === undefined) {
    // The first signed head is still a .partial: its writer was interrupted (reported with the partial).
    if (headPending) return { claim, head };
    if (signers.keys.length) problems.push(`${HEAD_FILE} is missing: the custody log is unsigned, but a public key was given`);
    else unproven.push(`custody.jsonl is unsigned (no ${HEAD_FILE}): anyone who can write the folder can rewrite it consistently`);
  } else if (typeof read === "string") {
    problems.push(`${HEAD_FILE}: ${read}`);
    head = "BAD";
  } else {
    const c = headClaimOf(read.statement);
    if (typeof c === "string") {
      problems.push(`${HEAD_FILE}: ${c}`);
      head = "BAD";
    } else claim = c;
    const trusted = signers.check(read);
    if (signers.keys.length && !trusted) {
      problems.push(`${HEAD_FILE}: not signed by a trusted key (it claims key id ${read.signatures.map((s) => s.keyid ?? "none").join(", ")})`);
      head = "BAD";
    } else if (head !== "BAD") head = trusted ? "signed" : "unchecked";
  }
  return { claim, head };
}
