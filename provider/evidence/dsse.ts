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

export type EnvelopeCheck = { ok: true; statement: Statement; keyId: string } | { ok: false; reason: string };

/** Checks an envelope against `publicKey`: a valid signature by that key over an in-toto Statement. */
export function openEnvelope(raw: unknown, publicKey: KeyObject): EnvelopeCheck {
  const env = EnvelopeSchema.safeParse(raw);
  if (!env.success) return { ok: false, reason: "not a DSSE envelope" };
  if (env.data.payloadType !== DSSE_PAYLOAD_TYPE) return { ok: false, reason: `payload type ${env.data.payloadType}` };
  const payload = Buffer.from(env.data.payload, "base64");
  const keyId = keyIdOf(publicKey);
  const good = env.data.signatures.some((s) => {
    try {
      return verify(algorithmOf(publicKey), pae(env.data.payloadType, payload), publicKey, Buffer.from(s.sig, "base64"));
    } catch {
      return false;
    }
  });
  if (!good) {
    const ids = env.data.signatures.map((s) => s.keyid ?? "?").join(", ");
    return { ok: false, reason: `no signature by key ${keyId.slice(0, 16)}… (signed by ${ids ? ids.slice(0, 16) + "…" : "nobody"})` };
  }
  const statement = readStatement(payload);
  return statement ? { ok: true, statement, keyId } : { ok: false, reason: "the payload is not an in-toto Statement" };
}

/** The Statement inside an envelope, without checking signatures (for reading unsigned evidence). */
export function readStatement(payload: Buffer): Statement | undefined {
  try {
    const parsed = StatementSchema.safeParse(JSON.parse(payload.toString("utf8")));
    return parsed.success ? (parsed.data as Statement) : undefined;
  } catch {
    return undefined;
  }
}
