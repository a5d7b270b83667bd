/**
 * An evidence folder made by the real handler (loopback storage, signed with a throwaway key):
 * packages of `count` collections on distinct devices, and what `verify` needs to check it.
 */
import { generateKeyPairSync, type KeyObject } from "node:crypto";
import { cp, writeFile } from "node:fs/promises";
import { keyIdOf } from "../../provider/evidence/dsse";
import type { EvidenceHandlerOptions } from "../../provider/evidence/options";
import { join } from "node:path";
import { buildZip, succeededOutputs, tempDir } from "../evidence/helpers/fixtures";
import { harness } from "../evidence/helpers/harness";

export interface SignedFolder {
  dir: string;
  /** `<machineId>-<actionId>` of each package, in order. */
  bases: string[];
  publicKeyFile: string;
  otherPublicKeyFile: string;
  /** The key an attacker holds: signs consistently, but is not the one investigators trust. */
  otherPrivateKey: KeyObject;
  /** Key ids (SHA-256 of the SPKI DER) of the signing key and of the other key. */
  keyId: string;
  otherKeyId: string;
  /** Copies of the folder taken after each package was kept (for rollback attacks). */
  snapshots: string[];
  /** A copy of the folder to tamper with. */
  copy(label: string): Promise<string>;
  cleanup(): Promise<void>;
}

export const machineIdOf = (i: number) => (i + 1).toString(16).padStart(40, "a");
export const actionIdOf = (i: number) => `0c5d1f5e-8a2b-4a6e-9d1c-${(i + 1).toString(16).padStart(12, "0")}`;

const pem = (k: KeyObject, type: "spki" | "pkcs8") => k.export({ type, format: "pem" }).toString();

export async function signedFolder(count = 2, options: { signed?: boolean; zipBytes?: number; handler?: Partial<EvidenceHandlerOptions> } = {}): Promise<SignedFolder> {
  const keys = generateKeyPairSync("ed25519");
  const other = generateKeyPairSync("ec", { namedCurve: "prime256v1" });
  const temp = await tempDir("verify");
  const keyFile = join(temp.path, "signing.pem");
  await writeFile(keyFile, pem(keys.privateKey, "pkcs8"), { mode: 0o600 });
  const h = await harness({ ...(options.signed === false ? {} : { signingKey: { file: keyFile, origin: "test key" } }), ...options.handler });
  const dir = join(temp.path, "evidence");
  const bases: string[] = [];
  const snapshots: string[] = [];
  try {
    await h.handler.preflight(dir);
    for (let i = 0; i < count; i++) {
      const [machineId, actionId] = [machineIdOf(i), actionIdOf(i)];
      h.storage.packages.set(actionId, await buildZip(options.zipBytes ?? 32 * 1024, String.fromCharCode(97 + (i % 26))));
      await h.handler.record(dir, "requested", succeededOutputs(dir, { machineId, actionId, status: "Pending" }));
      await h.handler.fetch(succeededOutputs(dir, { machineId, actionId }), { adopted: false });
      bases.push(`${machineId}-${actionId}`);
      snapshots.push(join(temp.path, `snapshot-${i + 1}`));
      await cp(dir, snapshots[i], { recursive: true });
    }
  } finally {
    await h.close();
  }
  const publicKeyFile = join(temp.path, "signing.pub.pem");
  const otherPublicKeyFile = join(temp.path, "other.pub.pem");
  await writeFile(publicKeyFile, pem(keys.publicKey, "spki"));
  await writeFile(otherPublicKeyFile, pem(other.publicKey, "spki"));
  return {
    dir,
    bases,
    publicKeyFile,
    otherPublicKeyFile,
    otherPrivateKey: other.privateKey,
    keyId: keyIdOf(keys.publicKey),
    otherKeyId: keyIdOf(other.publicKey),
    snapshots,
    async copy(label) {
      const to = join(temp.path, `tampered-${label}`);
      await cp(dir, to, { recursive: true });
      return to;
    },
    cleanup: () => temp.cleanup(),
  };
}

/**
 * A signed folder of two packages and an unsigned one of one, made before a suite's tests and
 * removed after them: what the exit-code and malformed-evidence suites start from.
 */
export function signedAndUnsigned(): { signed: () => SignedFolder; unsigned: () => SignedFolder } {
  let signed: SignedFolder;
  let unsigned: SignedFolder;
  beforeAll(async () => {
    [signed, unsigned] = await Promise.all([signedFolder(2), signedFolder(1, { signed: false })]);
  });
  afterAll(async () => {
    await signed?.cleanup();
    await unsigned?.cleanup();
  });
  return { signed: () => signed, unsigned: () => unsigned };
}
