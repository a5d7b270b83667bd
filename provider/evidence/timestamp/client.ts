/**
 * Asks an RFC 3161 Time-Stamping Authority to stamp a SHA-256 digest: a TimeStampReq (built with
 * pkijs) POSTed as `application/timestamp-query`, with a fresh nonce and `certReq`, so the reply
 * carries the TSA's certificate. The reply is checked before it is kept: granted, the same nonce,
 * the same imprint, a valid signature chaining to the configured root (token.ts).
 */
import { randomBytes } from "node:crypto";
import * as asn1js from "asn1js";
import * as pkijs from "pkijs";
import { checkToken, parseResponse, TimestampError, type TokenInfo } from "./token";

export interface TimestampSettings {
  /** The TSA's URL (http or https). */
  url: string;
  /** PEM certificate(s) of the root the TSA's certificate must chain to. */
  rootsPem: string;
  /** @default 30 000 */
  timeoutMs?: number;
}

const SHA256_OID = "2.16.840.1.101.3.4.2.1";

/** The DER TimeStampResp for `sha256` (hex), checked; throws TimestampError. */
export async function requestTimestamp(settings: TimestampSettings, sha256: string): Promise<{ tsr: Buffer; info: TokenInfo }> {
  const nonce = randomBytes(8);
  nonce[0] &= 0x7f; // a positive INTEGER
  const req = new pkijs.TimeStampReq({
    version: 1,
    messageImprint: new pkijs.MessageImprint({
      hashAlgorithm: new pkijs.AlgorithmIdentifier({ algorithmId: SHA256_OID }),
      hashedMessage: new asn1js.OctetString({ valueHex: new Uint8Array(Buffer.from(sha256, "hex")) }),
    }),
    nonce: new asn1js.Integer({ valueHex: new Uint8Array(nonce) }),
    certReq: true,
  });
  let res: Response;
  try {
    res = await fetch(settings.url, {
      method: "POST",
      headers: { "content-type": "application/timestamp-query" },
      body: Buffer.from(req.toSchema().toBER(false)),
      signal: AbortSignal.timeout(settings.timeoutMs ?? 30_000),
    });
  } catch (err) {
    throw new TimestampError(`the time-stamping authority ${new URL(settings.url).origin} cannot be reached (${(err as Error).message})`);
  }
  if (!res.ok) throw new TimestampError(`the time-stamping authority ${new URL(settings.url).origin} answered HTTP ${res.status}`);
  const tsr = Buffer.from(await res.arrayBuffer());
  const { info } = parseResponse(tsr);
  const asNumber = (b: Uint8Array) => BigInt(`0x${Buffer.from(b).toString("hex") || "0"}`);
  if (!info.nonce || asNumber(info.nonce.valueBlock.valueHexView) !== asNumber(nonce)) throw new TimestampError("the time-stamping authority's reply does not carry the nonce sent (a replayed reply?)");
  return { tsr, info: await checkToken(tsr, sha256, [settings.rootsPem]) };
}
