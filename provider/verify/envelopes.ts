/**
 * The DSSE envelopes of an evidence location as `verify` reads them. Without a key, everything
 * an envelope claims is still compared with what is there (the package's hash, the manifest, the
 * log through the head), and the key ids it claims are shown as claims. With keys, each envelope
 * must carry a valid signature by one of them; the signer's id is then a fact, not a claim.
 */
import type { KeyObject } from "node:crypto";
import { claimedKeyIds, type ReadEnvelope, readEnvelope, trustedSigner } from "../evidence/dsse";
import { messageOf } from "../evidence/errors";
import type { EvidenceSource } from "./source";

/** An envelope is a few KB; a manifest as predicate keeps it far below this. */
export const MAX_SMALL_FILE_BYTES = 1024 * 1024;

export interface SignerRow {
  keyId: string;
  /** `trusted`: verified with a given key; `unchecked`: claimed, no key given; `untrusted`: claimed, no valid signature by a given key. */
  status: "trusted" | "unchecked" | "untrusted";
  envelopes: number;
}

/** Who signed what, as established (or only claimed) across the location's envelopes. */
export class Signers {
  private readonly rows = new Map<string, SignerRow>();
  constructor(readonly keys: readonly KeyObject[]) {}

  /** Records `envelope`'s signer; returns the trusted key id, or undefined (none given, or none valid). */
  check(envelope: ReadEnvelope): string | undefined {
    const trusted = this.keys.length ? trustedSigner(envelope, this.keys) : undefined;
    if (trusted) this.add(trusted, "trusted");
    else for (const id of claimedKeyIds(envelope)) this.add(id, this.keys.length ? "untrusted" : "unchecked");
    return trusted;
  }

  list(): SignerRow[] {
    return [...this.rows.values()];
  }

  private add(keyId: string, status: SignerRow["status"]): void {
    const key = `${status}\n${keyId}`;
    const row = this.rows.get(key) ?? { keyId, status, envelopes: 0 };
    row.envelopes++;
    this.rows.set(key, row);
  }
}

/** The envelope in `name`, read strictly; undefined when absent; a string says why it is unusable. */
export async function readEnvelopeFile(source: EvidenceSource, name: string): Promise<ReadEnvelope | undefined | string> {
  let bytes: Buffer | undefined;
  try {
    bytes = await source.readBytes(name, MAX_SMALL_FILE_BYTES);
  } catch (err) {
    return messageOf(err).replace(`${name}: `, "");
  }
  if (bytes === undefined) return undefined;
  let raw: unknown;
  try {
    raw = JSON.parse(bytes.toString("utf8"));
  } catch {
    return "not JSON";
  }
  const read = readEnvelope(raw);
  return read.ok ? read.envelope : read.reason;
}

/** JSON with sorted keys: the signed predicate and the manifest file are compared as values. */
export function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(",")}]`;
  if (v && typeof v === "object") {
    return `{${Object.keys(v)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical((v as Record<string, unknown>)[k])}`)
      .join(",")}}`;
  }
  return JSON.stringify(v);
}
