/**
 * The key that signs manifests and the custody head: a PEM file, or a PEM held in a Pulumi secret
 * config value. Checked before anything is collected, so a missing file, an encrypted key or a
 * key of the wrong type fails the run at its start with what to do, not after a collection.
 */
import { createPrivateKey, createPublicKey, type KeyObject } from "node:crypto";
import { readFileSync } from "node:fs";
import { EvidenceError } from "./errors";
import { resolveEvidencePath } from "./projectPath";

export interface SigningKeySource {
  /** PEM text (a secret config value). */
  pem?: string;
  /** Path of a PEM file. */
  file?: string;
  /** Where the value came from, for messages, e.g. `mde:evidenceSigningKey`. */
  origin: string;
}

const HOW = "use an unencrypted PKCS#8 PEM of an Ed25519 or ECDSA P-256 key, e.g. `openssl genpkey -algorithm ed25519 -out evidence-signing.pem`";

/** Loads and checks a private signing key. */
export function loadSigningKey(source: SigningKeySource): KeyObject {
  let pem = source.pem;
  if (source.file !== undefined) {
    try {
      pem = readFileSync(source.file, "utf8");
    } catch (err) {
      throw new EvidenceError("key", `${source.origin}: cannot read the signing key file ${source.file} (${(err as { code?: string }).code ?? "error"}); ${HOW}`);
    }
  }
  let key: KeyObject;
  try {
    key = createPrivateKey({ key: pem ?? "", format: "pem" });
  } catch {
    // Never quote the value: it is a secret.
    throw new EvidenceError("key", `${source.origin}: not a readable private key (an encrypted key, a certificate or a public key?); ${HOW}`);
  }
  checkType(key, source.origin);
  return key;
}

/** Loads a public key (or derives it from a private one) for `verify`. */
export function loadPublicKey(pem: string, origin: string): KeyObject {
  let key: KeyObject;
  try {
    key = createPublicKey({ key: pem, format: "pem" });
  } catch {
    throw new EvidenceError("key", `${origin}: not a PEM public key; export it with \`openssl pkey -in key.pem -pubout\``);
  }
  checkType(key, origin);
  return key;
}

function checkType(key: KeyObject, origin: string): void {
  const type = key.asymmetricKeyType;
  if (type === "ed25519") return;
  if (type === "ec" && key.asymmetricKeyDetails?.namedCurve === "prime256v1") return;
  const what = type === "ec" ? `an ECDSA key on ${key.asymmetricKeyDetails?.namedCurve}` : `a${type === "rsa" ? "n" : ""} ${type} key`;
  throw new EvidenceError("key", `${origin}: ${what} cannot sign evidence; ${HOW}`);
}

/** Stack config keys (and the environment variable) that name the signing key. */
export const SIGNING_KEY_CONFIG = { pem: "mde:evidenceSigningKey", file: "mde:evidenceSigningKeyFile", env: "MDE_EVIDENCE_SIGNING_KEY_FILE" } as const;

/**
 * The signing key source from stack config (`mde:evidenceSigningKey`, a secret PEM, or
 * `mde:evidenceSigningKeyFile`) or the environment; undefined: evidence is written unsigned.
 * A relative file path resolves against the Pulumi project folder, like evidence folders.
 */
export function signingKeyFromConfig(config: (key: string) => string | undefined, env: NodeJS.ProcessEnv = process.env): SigningKeySource | undefined {
  const pem = config(SIGNING_KEY_CONFIG.pem)?.trim();
  const file = config(SIGNING_KEY_CONFIG.file)?.trim() || env[SIGNING_KEY_CONFIG.env]?.trim();
  if (pem && file) throw new EvidenceError("key", `set ${SIGNING_KEY_CONFIG.pem} or ${SIGNING_KEY_CONFIG.file}, not both`);
  if (pem) return { pem, origin: SIGNING_KEY_CONFIG.pem };
  if (file) return { file: resolveEvidencePath(file), origin: config(SIGNING_KEY_CONFIG.file) ? SIGNING_KEY_CONFIG.file : SIGNING_KEY_CONFIG.env };
  return undefined;
}
