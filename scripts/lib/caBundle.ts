import * as fs from "node:fs";
import * as path from "node:path";

/**
 * A CA bundle for child processes that must trust the emulator: the environment's own
 * NODE_EXTRA_CA_CERTS bundle with the emulator's CA appended, never replaced, so whatever the
 * machine already trusts keeps working.
 */
export function caBundleWith(caFile: string, outDir: string): string {
  const existing = process.env.NODE_EXTRA_CA_CERTS;
  const parts = [existing && fs.existsSync(existing) ? fs.readFileSync(existing, "utf8") : "", fs.readFileSync(caFile, "utf8")];
  const bundle = path.join(outDir, "ca-bundle.pem");
  fs.mkdirSync(outDir, { recursive: true });
  fs.writeFileSync(bundle, parts.filter(Boolean).map((p) => p.trimEnd()).join("\n") + "\n");
  return bundle;
}
