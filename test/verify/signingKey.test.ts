/**
 * The signing key is checked at the pre-flight, before anything is collected: a missing file, a
 * key that is not a private key, and a key of the wrong type each fail with what to do, and never
 * quote the key. Ed25519 and ECDSA P-256 keys both sign evidence that verify accepts.
 */
import { generateKeyPairSync } from "node:crypto";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { main } from "../../provider/verify/cli";
import { ACTION_ID, buildZip, succeededOutputs, tempDirEachTest } from "../evidence/helpers/fixtures";
import { harness } from "../evidence/helpers/harness";

describe("evidence signing keys", () => {
  const temp = tempDirEachTest("keys");

  const preflightWith = async (signingKey: { file?: string; pem?: string }) => {
    const h = await harness({ signingKey: { ...signingKey, origin: "mde:evidenceSigningKey" } });
    try {
      await h.handler.preflight(h.dir);
      return h.api.calls.length;
    } finally {
      await h.close();
    }
  };

  it("refuses a missing key file, an RSA key, a P-384 key and a public key at the pre-flight", async () => {
    await expect(preflightWith({ file: join(temp.path, "nope.pem") })).rejects.toThrow(/mde:evidenceSigningKey: cannot read the signing key file .*nope\.pem \(ENOENT\); use an unencrypted PKCS#8 PEM of an Ed25519 or ECDSA P-256 key/);
    const rsa = generateKeyPairSync("rsa", { modulusLength: 2048 });
    const rsaPem = rsa.privateKey.export({ type: "pkcs8", format: "pem" }).toString();
    await expect(preflightWith({ pem: rsaPem })).rejects.toThrow(/mde:evidenceSigningKey: an rsa key cannot sign evidence/);
    const p384 = generateKeyPairSync("ec", { namedCurve: "secp384r1" }).privateKey.export({ type: "pkcs8", format: "pem" }).toString();
    await expect(preflightWith({ pem: p384 })).rejects.toThrow(/an ECDSA key on secp384r1 cannot sign evidence/);
    const pub = rsa.publicKey.export({ type: "spki", format: "pem" }).toString();
    const err = await preflightWith({ pem: pub }).catch((e: Error) => e);
    expect(String(err)).toMatch(/not a readable private key/);
    expect(String(err)).not.toContain(pub.split("\n")[1]);
  });

  it("signs with an ECDSA P-256 key held as a PEM value (a secret config value) that verify accepts", async () => {
    const keys = generateKeyPairSync("ec", { namedCurve: "prime256v1" });
    const h = await harness({ signingKey: { pem: keys.privateKey.export({ type: "pkcs8", format: "pem" }).toString(), origin: "mde:evidenceSigningKey" } });
    try {
      h.storage.packages.set(ACTION_ID, await buildZip(16 * 1024));
      await h.handler.preflight(h.dir);
      await h.handler.fetch(succeededOutputs(h.dir), { adopted: false });
      const pubFile = join(temp.path, "p256.pub.pem");
      await writeFile(pubFile, keys.publicKey.export({ type: "spki", format: "pem" }).toString());
      let out = "";
      expect(await main(["verify", h.dir, "--public-key", pubFile], (s) => (out += s), () => undefined)).toBe(0);
      expect(out).toMatch(/\s+ok\s+ok\n/);
    } finally {
      await h.close();
    }
  });
});
