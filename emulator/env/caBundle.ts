import * as fs from "node:fs";
import * as path from "node:path";

/**
 * A CA bundle for processes that must trust the emulator: the environment's own
 * NODE_EXTRA_CA_CERTS bundle with the emulator's CA appended, never replaced, so whatever the
 * machine already trusts (a corporate proxy's CA, say) keeps working. Appended once: a bundle
 * that already holds the CA (this function's own output, after `eval "$(mde-emulator env …)"`)
 * is copied as it is, so running it again never grows the file.
 */
export function caBundleWith(caFile: string, outDir: string, existing: string | undefined = process.env.NODE_EXTRA_CA_CERTS): string {
  const own = existing && fs.existsSync(existing) ? fs.readFileSync(existing, "utf8").trimEnd() : "";
  const ca = fs.readFileSync(caFile, "utf8").trimEnd();
  const bundle = path.join(outDir, "ca-bundle.pem");
  fs.mkdirSync(outDir, { recursive: true });
  const parts = own.includes(ca) ? [own] : [own, ca];
  fs.writeFileSync(bundle, parts.filter(Boolean).join("\n") + "\n");
  return bundle;
}
