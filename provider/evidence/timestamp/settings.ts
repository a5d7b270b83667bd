/**
 * Trusted time is opt-in: a TSA URL and the root its certificate must chain to, from stack config
 * (`mde:evidenceTimestampUrl`, `mde:evidenceTimestampRootFile`) or the environment. Both or
 * neither: a token nobody can check against a root would only look like trusted time.
 */
import { readFileSync } from "node:fs";
import { EvidenceError } from "../errors";
import { resolveEvidencePath } from "../projectPath";
import type { TimestampSettings } from "./client";
import { pemCertificates } from "./token";

export const TIMESTAMP_CONFIG = {
  url: "mde:evidenceTimestampUrl",
  root: "mde:evidenceTimestampRootFile",
  urlEnv: "MDE_EVIDENCE_TSA_URL",
  rootEnv: "MDE_EVIDENCE_TSA_ROOT_FILE",
} as const;

export function timestampFromConfig(config: (key: string) => string | undefined, env: NodeJS.ProcessEnv = process.env): TimestampSettings | undefined {
  const url = config(TIMESTAMP_CONFIG.url)?.trim() || env[TIMESTAMP_CONFIG.urlEnv]?.trim();
  const root = config(TIMESTAMP_CONFIG.root)?.trim() || env[TIMESTAMP_CONFIG.rootEnv]?.trim();
  if (!url && !root) return undefined;
  if (!url || !root) throw new EvidenceError("key", `trusted time needs both ${TIMESTAMP_CONFIG.url} and ${TIMESTAMP_CONFIG.root} (the TSA's root certificate, PEM)`);
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new EvidenceError("key", `${TIMESTAMP_CONFIG.url} is not a URL`);
  }
  if (parsed.protocol !== "https:" && parsed.protocol !== "http:") throw new EvidenceError("key", `${TIMESTAMP_CONFIG.url} must be an http(s) URL`);
  let rootsPem: string;
  try {
    rootsPem = readFileSync(resolveEvidencePath(root), "utf8");
    pemCertificates(rootsPem);
  } catch (err) {
    throw new EvidenceError("key", `${TIMESTAMP_CONFIG.root}: cannot read a PEM certificate from ${root} (${(err as { code?: string }).code ?? (err as Error).message})`);
  }
  return { url, rootsPem };
}
