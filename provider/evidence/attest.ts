/**
 * What is signed, and where the signatures live:
 * - `<machineId>-<actionId>.intoto.json`: a DSSE envelope whose Statement's subject is the
 *   package (file name and SHA-256) and whose predicate is its manifest, byte for byte as parsed;
 * - `custody.head.json`: a DSSE envelope whose subject is `custody.jsonl` with the SHA-256 of the
 *   file's bytes through the line just appended (an in-toto subject names the digest of the
 *   artifact it names), and whose predicate adds the line count and that line's SHA-256. So a
 *   deleted last line, a truncated or rolled-back log, or a re-linked chain no longer matches the
 *   head, and a verifier can tell lines written after the head (a write in progress) from edits.
 * Both are written atomically; without a key neither exists and the manifest says `unsigned`.
 */
import type { KeyObject } from "node:crypto";
import { join } from "node:path";
import type { ChainHead, CustodyLine } from "./custodyLog";
import { type Envelope, keyIdOf, signStatement, STATEMENT_TYPE, type Statement } from "./dsse";
import { EvidenceError } from "./errors";
import { writeFileAtomic } from "./files";
import { headThrough } from "./logLines";

export const PACKAGE_PREDICATE = "urn:pulumi-mde-forensics:investigation-package-manifest:v1";
export const HEAD_PREDICATE = "urn:pulumi-mde-forensics:custody-chain-head:v1";
export { HEAD_FILE } from "./custodyFile";
export const CUSTODY_SUBJECT = "custody.jsonl";

/** The envelope's file name beside a package `<base>.zip`. */
export const envelopeName = (zipFileName: string) => zipFileName.replace(/\.zip$/, ".intoto.json");

/** Recorded in the manifest: whether (and by which key) it is signed. */
export type SignatureNote = { status: "signed"; keyId: string; envelope: string } | { status: "unsigned" };

export function signatureNote(key: KeyObject | undefined, zipFileName: string): SignatureNote {
  return key ? { status: "signed", keyId: keyIdOf(key), envelope: envelopeName(zipFileName) } : { status: "unsigned" };
}

export function packageStatement(manifest: { fileName: string; sha256: string }): Statement {
  return { _type: STATEMENT_TYPE, subject: [{ name: manifest.fileName, digest: { sha256: manifest.sha256 } }], predicateType: PACKAGE_PREDICATE, predicate: manifest };
}

export type { ChainHead } from "./custodyLog";

export function headStatement(head: ChainHead): Statement {
  return {
    _type: STATEMENT_TYPE,
    subject: [{ name: CUSTODY_SUBJECT, digest: { sha256: head.fileSha256 } }],
    predicateType: HEAD_PREDICATE,
    predicate: { lineCount: head.lineCount, lastLineSha256: head.lastLineSha256, lastTimestamp: head.line.timestamp, lastEvent: head.line.event, lastActionId: head.line.actionId },
  };
}

/**
 * The head through the line just appended, read back from the log's bytes (`chunks`). Reading the
 * whole log costs one pass per event (about a second per 500 MB); events come a few a minute.
 */
export async function chainHead(chunks: AsyncIterable<Buffer>, lastLineSha256: string, line: CustodyLine, where: string): Promise<ChainHead> {
  const through = await headThrough(chunks, lastLineSha256);
  if (!through) throw new EvidenceError("write", `cannot sign the custody head: the line just appended is not in ${where}`);
  return { ...through, lastLineSha256, line };
}

const envelopeText = (e: Envelope) => `${JSON.stringify(e, null, 2)}\n`;

export async function writePackageEnvelope(dir: string, manifest: { fileName: string; sha256: string }, key: KeyObject): Promise<void> {
  await writeFileAtomic(join(dir, envelopeName(manifest.fileName)), envelopeText(signStatement(packageStatement(manifest), key)));
}

/**
 * The signed head's text (`head` as the custody appender measured it under the log's lock): the
 * appender writes it in its place in the write order (custodyFile.ts, blob/custody.ts).
 */
export function headEnvelopeText(head: ChainHead, key: KeyObject): string {
  return envelopeText(signStatement(headStatement(head), key));
}
