/**
 * docs/evidence.md "Signing" as written: the two openssl lines make a private key the provider
 * accepts for signing and a public key `mde-forensics verify` accepts, of the same pair. Fast
 * (no tenant, no Pulumi): it runs wherever openssl is, which the README's requirements list.
 */
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { keyIdOf } from "../../provider/evidence/dsse";
import { loadPublicKey, loadSigningKey } from "../../provider/evidence/signingKey";
import { EVIDENCE_SIGNING } from "./documentedSteps";
import { stepsOf, substitute } from "./readmeSteps";

it("makes a key pair the provider signs with and verify checks against", () => {
  const [steps] = stepsOf(EVIDENCE_SIGNING);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pmf-signing-"));
  try {
    execFileSync("bash", ["--norc", "-c", `set -e -o pipefail\n${substitute(steps, {})}`], { cwd: dir, stdio: "pipe" });
    const privateKey = loadSigningKey({ file: path.join(dir, "evidence-signing.pem"), origin: "evidence-signing.pem" });
    const publicKey = loadPublicKey(fs.readFileSync(path.join(dir, "evidence-signing.pub.pem"), "utf8"), "evidence-signing.pub.pem");
    expect(keyIdOf(publicKey)).toBe(keyIdOf(privateKey));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
