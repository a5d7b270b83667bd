/**
 * docs/evidence.md "Signing" as written: the two openssl lines make a private key the provider
 * accepts for signing and a public key `mde-forensics verify` accepts, of the same pair; the
 * `pulumi config set --secret … < evidence-signing.pem` line (the key on stdin, never on a command
 * line) stores that very key, encrypted, in the stack's config. Runs in a bare project with a
 * local backend of its own (no tenant, no program run).
 */
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { keyIdOf } from "../../provider/evidence/dsse";
import { loadPublicKey, loadSigningKey } from "../../provider/evidence/signingKey";
import { EVIDENCE_SIGNING } from "./documentedSteps";
import { stepsOf, substitute } from "./readmeSteps";

it("makes a key pair the provider signs with and verify checks against, and stores the key in the stack from stdin", () => {
  const [steps] = stepsOf(EVIDENCE_SIGNING);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pmf-signing-"));
  const env = {
    ...process.env,
    PULUMI_HOME: path.join(dir, ".pulumi-home"),
    PULUMI_BACKEND_URL: `file://${path.join(dir, "state")}`,
    PULUMI_CONFIG_PASSPHRASE: "signing-test",
    PULUMI_SKIP_UPDATE_CHECK: "true",
  };
  const bash = (script: string) => execFileSync("bash", ["--norc", "-c", `set -e -o pipefail\n${script}`], { cwd: dir, stdio: "pipe", env, encoding: "utf8" });
  try {
    fs.mkdirSync(path.join(dir, "state"));
    fs.writeFileSync(path.join(dir, "Pulumi.yaml"), "name: signing\nruntime: nodejs\n");
    bash("pulumi stack init dev --non-interactive");
    bash(substitute(steps, {}));
    const privateKey = loadSigningKey({ file: path.join(dir, "evidence-signing.pem"), origin: "evidence-signing.pem" });
    const publicKey = loadPublicKey(fs.readFileSync(path.join(dir, "evidence-signing.pub.pem"), "utf8"), "evidence-signing.pub.pem");
    expect(keyIdOf(publicKey)).toBe(keyIdOf(privateKey));
    // The stack holds the key itself, encrypted: the file on disk has a ciphertext, not the PEM.
    const pem = fs.readFileSync(path.join(dir, "evidence-signing.pem"), "utf8");
    expect(bash("pulumi config get mde:evidenceSigningKey").trim()).toBe(pem.trim());
    const stackFile = fs.readFileSync(path.join(dir, "Pulumi.dev.yaml"), "utf8");
    expect(stackFile).toMatch(/mde:evidenceSigningKey:\n\s+secure: /);
    expect(stackFile).not.toContain("PRIVATE KEY");
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
