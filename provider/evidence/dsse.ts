/**
 * DSSE envelopes holding in-toto Statements: the convention Sigstore, SLSA and in-toto use to sign
 * "this artifact, with this digest, is what the predicate says". A package's envelope binds its
 * file name and SHA-256 to its manifest; the custody head's envelope binds the log's SHA-256 up
 * to a line count. Signing is over DSSE's pre-authentication encoding (PAE), so the payload type
 * cannot be swapped. Keys are Ed25519 or ECDSA P-256; the key id is the SHA-256 of the public
 * key's SPKI DER, so a verifier can tell which key signed without trusting the envelope.
 */
import { createHash, createPublicKey, type KeyObject, sign, verify } from "node:crypto";
import { z } from "zod";

export const DSSE_PAYLOAD_TYPE = "application/vnd.in-toto+json";
export const STATEMENT_TYPE = "https://in-toto.io/Statement/v1";

export interface Statement {
  _type: typeof STATEMENT_TYPE;
  subject: Array<{ name: string; digest: { sha256: string } }>;
  predicateType: string;
  predicate: unknown;
}

export const EnvelopeSchema = z.object({
  payloadType: z.string(),
  payload: z.string(),
  signatures: z.array(z.object({ keyid: z.string().optional(), sig: z.string() })),
});
export type Envelope = z.infer<typeof EnvelopeSchema>;

const StatementSchema = z.looseObject({
  _type: z.literal(STATEMENT_TYPE),
  subject: z.array(z.object({ name: z.string(), digest: z.looseObject({ sha256: z.string() }) })).min(1),
  predicateType: z.string(),
  predicate: z.unknown(),
});

/** DSSE v1 pre-authentication encoding. */
export function pae(payloadType: string, payload: Buffer): Buffer {
  const type = Buffer.from(payloadType, "utf8");
  return Buffer.concat([Buffer.from(`DSSEv1 ${type.length} `), type, Buffer.from(` ${payload.length} `), payload]);
}

/** SHA-256 (hex) of the public key's SPKI DER. */
export function keyIdOf(key: KeyObject): string {
  const pub = key.type === "private" ? createPublicKey(key) : key;
  return createHash("sha256").update(pub.export({ type: "spki", format: "der" })).digest("hex");
}

/** Ed25519 signs the message itself; ECDSA P-256 signs its SHA-256 (DER-encoded signature). */
const algorithmOf = (key: KeyObject) => (key.asymmetricKeyType === "ed25519" ? null : "sha256");

export function signStatement(statement: Statement, key: KeyObject): Envelope {
  const payload = Buffer.from(JSON.stringify(statement), "utf8");
  const sig = sign(algorithmOf(key), pae(DSSE_PAYLOAD_TYPE, payload), key).toString("base64");
  return { payloadType: DSSE_PAYLOAD_TYPE, payload: payload.toString("base64"), signatures: [{ keyid: keyIdOf(key), sig }] };
}

/**
 * Standard base64 (RFC 4648 §4) with padding, and nothing else: Node's decoder skips characters
 * outside the alphabet, so "payload!" and "payload" would decode alike, where the reference
 * DSSE implementations refuse the envelope. The round trip refuses non-zero trailing bits too.
 */
export function decodeBase64Strict(text: string): Buffer | undefined {
  if (!/^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/.test(text)) return undefined;
  const bytes = Buffer.from(text, "base64");
  return bytes.toString("base64") === text ? bytes : undefined;
}

/** An envelope read (strictly) but not yet trusted: its Statement and its signatures' claimed key ids. */
export interface ReadEnvelope {
  payloadType: string;
  payload: Buffer;
  statement: Statement;
  signatures: Array<{ keyid: string | undefined; sig: Buffer }>;
}

export type EnvelopeRead = { ok: true; envelope: ReadEnvelope } | { ok: false; reason: string };

/** Parses a DSSE envelope holding an in-toto Statement, without checking any signature. */
export function readEnvelope(raw: unknown): EnvelopeRead {
  const env = EnvelopeSchema.safeParse(raw);
  if (!env.success) return { ok: false, reason: "not a DSSE envelope" };
  if (env.data.payloadType !== DSSE_PAYLOAD_TYPE) return { ok: false, reason: `payload type ${env.data.payloadType}` };
  const payload = decodeBase64Strict(env.data.payload);
  if (!payload) return { ok: false, reason: "payload is not strict base64" };
  const signatures: ReadEnvelope["signatures"] = [];
  for (const s of env.data.signatures) {
    const sig = decodeBase64Strict(s.sig);
    if (!sig) return { ok: false, reason: "signature is not strict base64" };
    signatures.push({ keyid: s.keyid, sig });
  }
  if (signatures.length === 0) return { ok: false, reason: "it holds no signature" };
  const statement = readStatement(payload);
  if (!statement) return { ok: false, reason: "the payload is not an in-toto Statement" };
  return { ok: true, envelope: { payloadType: env.data.payloadType, payload, statement, signatures } };
}

/** The id of the first of `keys` with a valid signature over the envelope, or undefined. */
export function trustedSigner(envelope: ReadEnvelope, keys: readonly KeyObject[]): string | undefined {
  const message = pae(envelope.payloadType, envelope.payload);
  for (const key of keys) {
    for (const s of envelope.signatures) {
      try {
        if (verify(algorithmOf(key), message, key, s.sig)) return keyIdOf(key);
      } catch {
        // a signature of another algorithm's shape: not by this key
      }
    }
  }
  return undefined;
}

/** The key ids the signatures claim (unchecked: anyone can write any key id). */
export const claimedKeyIds = (envelope: ReadEnvelope) => [...new Set(envelope.signatures.map((s) => s.keyid ?? "(no key id)"))];

/** The Statement inside an envelope, without checking signatures (for reading unsigned evidence). */
export function readStatement(payload: Buffer): Statement | undefined {
  try {
    const parsed = StatementSchema.safeParse(JSON.parse(payload.toString("utf8")));
    return parsed.success ? (parsed.data as Statement) : undefined;
  } catch {
    return undefined;
  }
}
