/**
 * Checks an RFC 3161 time-stamp response (`.tsr`) the way `openssl ts -verify` does, with pkijs
 * (no hand-written ASN.1): the TSA granted it; its imprint is the SHA-256 of exactly the bytes
 * stamped; the CMS signature holds; the signer's certificate chains to a root the caller trusts
 * and carries the critical extendedKeyUsage `timeStamping` (RFC 3161 §2.3). Without roots, only
 * the first three are checked, and the result says the TSA is not trusted.
 */
import { X509Certificate } from "node:crypto";
import * as pkijs from "pkijs";
import { ForensicsError } from "../../util/error";

const SHA256_OID = "2.16.840.1.101.3.4.2.1";
const TIME_STAMPING_EKU = "1.3.6.1.5.5.7.3.8";
const EXTENDED_KEY_USAGE = "2.5.29.37";
const ID_DATA = "1.2.840.113549.1.7.1";

export interface TokenInfo {
  genTime: string;
  serial: string;
  policy: string;
  /** The TSA certificate's subject, as its certificate says. */
  tsa: string;
  /** SHA-256 (hex) the token stamps. */
  imprint: string;
}

export class TimestampError extends ForensicsError {
  override name = "TimestampError";
}

const toArrayBuffer = (b: Buffer): ArrayBuffer => b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer;
const hex = (v: ArrayBuffer | Uint8Array) => Buffer.from(v instanceof Uint8Array ? v : new Uint8Array(v)).toString("hex");

/** The response's token as parsed parts; throws TimestampError when it is not a granted token. */
export function parseResponse(tsr: Buffer): { signed: pkijs.SignedData; info: pkijs.TSTInfo } {
  let resp: pkijs.TimeStampResp;
  try {
    resp = pkijs.TimeStampResp.fromBER(toArrayBuffer(tsr));
  } catch (err) {
    throw new TimestampError(`not an RFC 3161 time-stamp response (${(err as Error).message})`);
  }
  if (resp.status.status !== pkijs.PKIStatus.granted && resp.status.status !== pkijs.PKIStatus.grantedWithMods) throw new TimestampError(`the TSA did not grant it (status ${resp.status.status})`);
  if (!resp.timeStampToken || resp.timeStampToken.contentType !== pkijs.id_ContentType_SignedData) throw new TimestampError("it holds no signed token");
  const signed = new pkijs.SignedData({ schema: resp.timeStampToken.content });
  const content = signed.encapContentInfo.eContent;
  if (signed.encapContentInfo.eContentType !== pkijs.id_eContentType_TSTInfo || !content) throw new TimestampError("its token holds no TSTInfo");
  return { signed, info: pkijs.TSTInfo.fromBER(content.getValue()) };
}

export function tokenInfo(signed: pkijs.SignedData, info: pkijs.TSTInfo): TokenInfo {
  const cert = signed.certificates?.find((c): c is pkijs.Certificate => c instanceof pkijs.Certificate);
  const tsa = cert ? new X509Certificate(Buffer.from(cert.toSchema().toBER(false))).subject.replace(/\n/g, ", ") : "(no certificate in the token)";
  return { genTime: info.genTime.toISOString(), serial: hex(info.serialNumber.valueBlock.valueHexView), policy: info.policy, tsa, imprint: hex(info.messageImprint.hashedMessage.valueBlock.valueHexView) };
}

/**
 * Checks `tsr` as a stamp of the bytes whose SHA-256 is `stampedSha256` and against `roots` (PEM
 * certificates; none: the chain is not checked). Returns what the token says; throws
 * TimestampError naming the failure.
 *
 * The imprint is compared here, with the digest, so a stamped log of any size is never held in
 * memory: pkijs's TSTInfo path would hash the data itself. The CMS check is pkijs's own, run as
 * for attached content (the TSTInfo the signed attributes' message digest covers); pkijs compares
 * no content-type there, and the content type was checked to be TSTInfo when parsing.
 */
export async function checkToken(tsr: Buffer, stampedSha256: string, roots: readonly string[]): Promise<TokenInfo & { trusted: boolean }> {
  const { signed, info } = parseResponse(tsr);
  const summary = tokenInfo(signed, info);
  if (info.messageImprint.hashAlgorithm.algorithmId !== SHA256_OID) throw new TimestampError(`its imprint is not SHA-256 (${info.messageImprint.hashAlgorithm.algorithmId})`);
  if (summary.imprint !== stampedSha256) throw new TimestampError(`it stamps SHA-256 ${summary.imprint}, not ${stampedSha256}`);
  const trustedCerts = roots.flatMap(pemCertificates);
  signed.encapContentInfo.eContentType = ID_DATA;
  let result: pkijs.SignedDataVerifyResult;
  try {
    result = await signed.verify({ signer: 0, checkChain: trustedCerts.length > 0, trustedCerts, checkDate: info.genTime, extendedMode: true });
  } catch (err) {
    const e = err as { message?: string; signerCertificateVerified?: boolean };
    throw new TimestampError(e.signerCertificateVerified === false ? `its TSA certificate does not chain to a given root (${e.message})` : `its signature does not hold: ${e.message ?? String(err)}`);
  }
  if (!result.signatureVerified) throw new TimestampError(`its signature does not hold: ${result.message}`);
  if (trustedCerts.length && !result.signerCertificateVerified) throw new TimestampError("its TSA certificate does not chain to a given root");
  const eku = result.signerCertificate?.extensions?.find((x) => x.extnID === EXTENDED_KEY_USAGE);
  const usages = (eku?.parsedValue as pkijs.ExtKeyUsage | undefined)?.keyPurposes ?? [];
  if (!eku?.critical || usages.length !== 1 || usages[0] !== TIME_STAMPING_EKU) throw new TimestampError("its signer certificate lacks the critical extendedKeyUsage timeStamping (RFC 3161 §2.3)");
  return { ...summary, trusted: trustedCerts.length > 0 };
}

/** Every certificate in a PEM bundle. */
export function pemCertificates(pem: string): pkijs.Certificate[] {
  const blocks = pem.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
  if (blocks.length === 0) throw new TimestampError("the TSA trust root holds no PEM certificate");
  return blocks.map((b) => pkijs.Certificate.fromBER(toArrayBuffer(new X509Certificate(b).raw)));
}
