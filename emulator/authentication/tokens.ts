/**
 * Access tokens: RS256 JWTs signed with node:crypto, shaped like the app-only v1 tokens Entra
 * issues for the WindowsDefenderATP resource (`aud`, `iss`, `tid`, `appid`, `roles`, `iat`,
 * `nbf`, `exp`). The key pair is kept in the data folder when there is one, so tokens stay
 * valid across a restart, exactly as real tokens survive a service redeploy.
 */
import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, sign, verify, type KeyObject } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

export interface AccessTokenClaims {
  aud: string;
  iss: string;
  tid: string;
  appid: string;
  roles: string[];
  iat: number;
  nbf: number;
  exp: number;
  [claim: string]: unknown;
}

export type VerifyResult = { ok: true; claims: AccessTokenClaims } | { ok: false; reason: string };

const b64url = (b: Buffer | string) => Buffer.from(b).toString("base64url");

export class TokenSigner {
  private readonly privateKey: KeyObject;
  private readonly publicKey: KeyObject;
  /** Key id (`kid`), a thumbprint of the public key, published in the JWKS. */
  readonly kid: string;

  /** @param keyDir where the PEM key is kept; a fresh key per process when absent. */
  constructor(keyDir?: string) {
    const file = keyDir ? join(keyDir, "token-signing.key") : undefined;
    if (file && existsSync(file)) {
      this.privateKey = createPrivateKey(readFileSync(file));
    } else {
      this.privateKey = generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey;
      if (file) {
        mkdirSync(keyDir!, { recursive: true });
        writeFileSync(file, this.privateKey.export({ type: "pkcs8", format: "pem" }), { mode: 0o600 });
      }
    }
    this.publicKey = createPublicKey(this.privateKey);
    this.kid = createHash("sha256").update(this.publicKey.export({ type: "spki", format: "der" })).digest("base64url").slice(0, 27);
  }

  issue(claims: AccessTokenClaims): string {
    const header = b64url(JSON.stringify({ typ: "JWT", alg: "RS256", kid: this.kid }));
    const payload = b64url(JSON.stringify(claims));
    const signature = sign("sha256", Buffer.from(`${header}.${payload}`), this.privateKey);
    return `${header}.${payload}.${b64url(signature)}`;
  }

  /** Checks shape, algorithm, signature and the time claims against `nowMs` (the emulator clock). */
  verify(token: string, nowMs: number): VerifyResult {
    const parts = token.split(".");
    if (parts.length !== 3) return { ok: false, reason: "the token is not a JWT" };
    let header: { alg?: string; kid?: string };
    let claims: AccessTokenClaims;
    try {
      header = JSON.parse(Buffer.from(parts[0], "base64url").toString("utf8"));
      claims = JSON.parse(Buffer.from(parts[1], "base64url").toString("utf8"));
    } catch {
      return { ok: false, reason: "the token is not a JWT" };
    }
    if (header.alg !== "RS256") return { ok: false, reason: `unsupported token algorithm '${header.alg}'` };
    const valid = verify("sha256", Buffer.from(`${parts[0]}.${parts[1]}`), this.publicKey, Buffer.from(parts[2], "base64url"));
    if (!valid || header.kid !== this.kid) return { ok: false, reason: "the token signature is invalid" };
    const now = Math.floor(nowMs / 1000);
    if (typeof claims.exp !== "number" || now >= claims.exp) return { ok: false, reason: "the token is expired" };
    if (typeof claims.nbf === "number" && now < claims.nbf) return { ok: false, reason: "the token is not valid yet" };
    return { ok: true, claims };
  }

  /** The JSON Web Key Set published at `jwks_uri`. */
  jwks(): { keys: object[] } {
    const jwk = this.publicKey.export({ format: "jwk" });
    return { keys: [{ ...jwk, kid: this.kid, use: "sig", alg: "RS256" }] };
  }
}
