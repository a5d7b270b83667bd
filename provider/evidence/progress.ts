/**
 * The two progress lines a download prints. Kept apart from the handler so their wording, which
 * users grep CI logs for, is defined (and tested) in one place.
 */

const MIB = 1024 * 1024;

/** `12.3 MiB`, or bytes/KiB for small packages. */
export function formatSize(bytes: number): string {
  if (bytes >= MIB) return `${(bytes / MIB).toFixed(1)} MiB`;
  if (bytes >= 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${bytes} B`;
}

/** `10.2 MiB/s`; "n/a" when the clock did not move (virtual time in tests, or a tiny package). */
export function formatRate(bytes: number, ms: number): string {
  if (ms <= 0) return "n/a";
  return `${formatSize((bytes * 1000) / ms)}/s`;
}

/** A hash shortened for a log line: enough to tell packages apart, the manifest has the rest. */
export function shortHash(sha256: string): string {
  return `${sha256.slice(0, 12)}…`;
}

export function startLine(actionId: string, path: string): string {
  return `package of collection ${actionId}: downloading to ${path}`;
}

export function doneLine(actionId: string, p: { sizeBytes: number; transferMs: number; sha256: string; entries: number; attempts: number }): string {
  const seconds = (Math.max(0, p.transferMs) / 1000).toFixed(1);
  const retries = p.attempts > 1 ? `, ${p.attempts} attempts` : "";
  return (
    `package of collection ${actionId}: ${formatSize(p.sizeBytes)} in ${seconds} s (${formatRate(p.sizeBytes, p.transferMs)}), ` +
    `sha256 ${shortHash(p.sha256)}, ${p.entries} files verified${retries}`
  );
}

export function reusedLine(actionId: string, path: string, sha256: string): string {
  return `package of collection ${actionId}: already kept in ${path} (sha256 ${shortHash(sha256)}), not downloaded again`;
}

export function retryLine(actionId: string, info: { attempt: number; reason: string; delayMs: number; newLink: boolean }): string {
  const how = info.newLink ? "with a new link" : "with the same link";
  return `package of collection ${actionId}: ${info.reason}; attempt ${info.attempt} ${how} in ${(info.delayMs / 1000).toFixed(1)} s`;
}
