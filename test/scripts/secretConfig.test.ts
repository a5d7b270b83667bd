/**
 * A signing key never travels on a command line: the stack runner hands secret config to
 * `pulumi config set --secret` on stdin (a fake CLI here records what it was given).
 */
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setSecretFromStdin } from "../../scripts/lib/stackRunner";

it("passes a secret config value on stdin, never in the arguments", async () => {
  const dir = mkdtempSync(join(tmpdir(), "secret-config-"));
  try {
    const fake = join(dir, "pulumi");
    writeFileSync(fake, `#!${process.execPath}\nconst fs = require("fs");\nfs.writeFileSync(${JSON.stringify(join(dir, "seen.json"))}, JSON.stringify({ argv: process.argv.slice(2), stdin: fs.readFileSync(0, "utf8") }));\n`);
    chmodSync(fake, 0o755);
    const pem = "-----BEGIN PRIVATE KEY-----\nMC4CAQAwBQYDK2VwBCIEIFAKEFAKEFAKE\n-----END PRIVATE KEY-----\n";
    await setSecretFromStdin(fake, "dev", "mde:evidenceSigningKey", pem, dir, process.env);
    const seen = JSON.parse(readFileSync(join(dir, "seen.json"), "utf8"));
    expect(seen.stdin).toBe(pem);
    expect(seen.argv).toEqual(["config", "set", "--secret", "--stack", "dev", "--non-interactive", "mde:evidenceSigningKey"]);
    expect(seen.argv.join(" ")).not.toContain("PRIVATE KEY");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
