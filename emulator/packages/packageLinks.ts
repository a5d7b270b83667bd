/**
 * Download links for packages, modelled on the storage SAS links MDE hands out: the token in the
 * query string is the only credential (no bearer), it names one action and expires after a short
 * time (10 emulated minutes by default). The token is `<actionId>.<expiryMs>.<HMAC-SHA256>`; the
 * HMAC key is persisted with the state, so links stay valid across a restart until they expire.
 */
import { createHmac, timingSafeEqual } from "node:crypto";
import { PACKAGE_FILE_NAME } from "./packages";

export const DOWNLOAD_PATH = `/safedownload/${PACKAGE_FILE_NAME}`;

export type LinkCheck = { ok: true; actionId: string } | { ok: false; reason: "invalid" | "expired" };

export class PackageLinks {
  constructor(private readonly key: Buffer) {}

  /** The full URL GetPackageUri returns. */
  url(baseUrl: string, actionId: string, expiresMs: number): string {
    return `${baseUrl}${DOWNLOAD_PATH}?token=${this.token(actionId, expiresMs)}`;
  }

  token(actionId: string, expiresMs: number): string {
    return `${actionId}.${expiresMs}.${this.mac(actionId, expiresMs)}`;
  }

  check(token: string | null, nowMs: number): LinkCheck {
    const parts = (token ?? "").split(".");
    if (parts.length !== 3 || !/^\d+$/.test(parts[1])) return { ok: false, reason: "invalid" };
    const [actionId, expiry, mac] = parts;
    const expected = Buffer.from(this.mac(actionId, Number(expiry)));
    const given = Buffer.from(mac);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return { ok: false, reason: "invalid" };
    if (nowMs >= Number(expiry)) return { ok: false, reason: "expired" };
    return { ok: true, actionId };
  }

  private mac(actionId: string, expiresMs: number): string {
    return createHmac("sha256", this.key).update(`${actionId}\n${expiresMs}`).digest("base64url");
  }
}

/** Removes the credential from a URL before it is logged. */
export function redactToken(url: string): string {
  return url.replace(/([?&]token=)[^&]*/gi, "$1REDACTED");
}
