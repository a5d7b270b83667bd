/**
 * `mde:*` stack-config keys that are no setting, named with the closest one there is.
 *
 * Why: a misspelt key (`mde:tenantID`) is simply never read, so the run goes on with the
 * environment's value or none, and the eventual error names the setting the user believes they
 * set. Warned once per program, at preview, by the resources that read these settings.
 */
import { SETTING_KEYS } from "./settingsSchema";

/** Every key of the `mde` namespace something reads: the connection settings and the evidence signing key. */
export const KNOWN_MDE_KEYS: readonly string[] = [...Object.values(SETTING_KEYS).map((k) => `mde:${k.config}`), "mde:evidenceSigningKey", "mde:evidenceSigningKeyFile"];

function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diagonal = row[0];
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = row[j];
      row[j] = Math.min(row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] === b[j - 1] ? 0 : 1));
      diagonal = above;
    }
  }
  return row[b.length];
}

/** One warning per `mde:` key in `keys` that no setting reads, with the closest known key when one is near. */
export function unknownSettingWarnings(keys: Iterable<string>): string[] {
  const warnings: string[] = [];
  for (const key of keys) {
    if (!key.startsWith("mde:") || KNOWN_MDE_KEYS.includes(key)) continue;
    const closest = [...KNOWN_MDE_KEYS].sort((x, y) => distance(key.toLowerCase(), x.toLowerCase()) - distance(key.toLowerCase(), y.toLowerCase()))[0];
    const near = distance(key.toLowerCase(), closest.toLowerCase()) <= Math.max(2, Math.floor(closest.length / 4));
    warnings.push(
      `stack config ${key} is not a setting and is ignored${near ? `: did you mean ${closest}? (pulumi config rm ${key}, then pulumi config set ${closest} …)` : ` (known: ${KNOWN_MDE_KEYS.join(", ")})`}`,
    );
  }
  return warnings;
}
