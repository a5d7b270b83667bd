/**
 * Trusted time for the custody chain (opt-in): after each package is kept, the log through its
 * `claimed` line is stamped by an RFC 3161 Time-Stamping Authority, and the reply is kept beside
 * the log as `custody.<line count>.tsr`. The imprint is the SHA-256 of the log's bytes through
 * that line, the same digest the signed head names, so `openssl ts -verify -data <first N lines>`
 * checks it with no tool of ours, and so the time is the TSA's, not the writing host's clock.
 */
import { chainHead } from "../attest";
import { type CustodyLine, sha256Hex } from "../custodyLog";
import { requestTimestamp, type TimestampSettings } from "./client";
import type { TokenInfo } from "./token";

/** `custody.<N>.tsr`: the token over the log's first N lines. */
export const tokenName = (lineCount: number) => `custody.${lineCount}.tsr`;
export const TOKEN_NAME = /^custody\.([1-9][0-9]{0,15})\.tsr$/;

export interface HeadStamp {
  name: string;
  tsr: Buffer;
  info: TokenInfo;
  lineCount: number;
}

/** Stamps the log read from `chunks` through `line` (just appended). */
export async function stampHead(settings: TimestampSettings, chunks: AsyncIterable<Buffer>, line: CustodyLine, where: string): Promise<HeadStamp> {
  const head = await chainHead(chunks, sha256Hex(JSON.stringify(line)), line, where);
  const { tsr, info } = await requestTimestamp(settings, head.fileSha256);
  return { name: tokenName(head.lineCount), tsr, info, lineCount: head.lineCount };
}
