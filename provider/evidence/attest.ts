/**
 * What is signed, and where the signatures live:
 * - `<machineId>-<actionId>.intoto.json`: a DSSE envelope whose Statement's subject is the
 *   package (file name and SHA-256) and whose predicate is its manifest, byte for byte as parsed;
 * - `custody.head.json`: a DSSE envelope whose subject is the custody chain's head (the SHA-256 of
 *   the log's last line, which commits to every line before it).
 * Both are written atomically; without a key neither exists and the manifest says `unsigned`.
 */
import type { KeyObject } from "node:crypto";
import { join } from "node:path";
import type { CustodyLine } from "./custodyLog";
import { type Envelope, keyIdOf, signStatement, STATEMENT_TYPE, type Statement } from "./dsse";
import { writeFileAtomic } from "./files";

export const PACKAGE_PREDICATE = "urn:pulumi-mde-forensics:investigation-package-manifest:v1";
export const HEAD_PREDICATE = "urn:pulumi-mde-forensics:custody-chain-head:v1";
export const HEAD_FILE = "custody.head.json";
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

export function headStatement(headSha256: string, line: CustodyLine): Statement {
  return {
    _type: STATEMENT_TYPE,
    subject: [{ name: CUSTODY_SUBJECT, digest: { sha256: headSha256 } }],
    predicateType: HEAD_PREDICATE,
    predicate: { lastTimestamp: line.timestamp, lastEvent: line.event, lastActionId: line.actionId },
  };
}

const envelopeText = (e: Envelope) => `${JSON.stringify(e, null, 2)}\n`;

export async function writePackageEnvelope(dir: string, manifest: { fileName: string; sha256: string }, key: KeyObject): Promise<void> {
  await writeFileAtomic(join(dir, envelopeName(manifest.fileName)), envelopeText(signStatement(packageStatement(manifest), key)));
}

/** The signed head's text; the custody appender writes it in its place in the write order (custodyFile.ts). */
export function headEnvelopeText(headSha256: string, line: CustodyLine, key: KeyObject): string {
  return envelopeText(signStatement(headStatement(headSha256, line), key));
}

export async function writeHeadEnvelope(dir: string, headSha256: string, line: CustodyLine, key: KeyObject): Promise<void> {
  await writeFileAtomic(join(dir, HEAD_FILE), headEnvelopeText(headSha256, line, key));
}
