/**
 * The per-package manifest `<machineId>-<actionId>.json`, written beside the ZIP.
 *
 * Why: a hash is only evidence together with what it is the hash *of*: which action on which
 * device, asked for by whom and why, when MDE finished it, from which tenant and API, and when
 * and by what tool it was fetched and checked. No peer tool records this (peers.md §6). The API
 * is recorded as an origin only: the download link is a credential and is never written down.
 * The manifest is also how a later run recognises a package already on disk (see handler.ts).
 */
import { createHash } from "node:crypto";
import { z } from "zod";
import type { SignatureNote } from "./attest";
import { writeFileAtomic } from "./files";
import { openRegular, READ_REGULAR } from "./regularFile";

export const MANIFEST_SCHEMA = "pulumi-mde-forensics/investigation-package-manifest/v1";

export interface PackageManifest {
  schema: typeof MANIFEST_SCHEMA;
  actionId: string;
  machineId: string;
  computerDnsName: string | null;
  requestor: string | null;
  /** The comment MDE stored with the action (`requestorComment`), falling back to the resource's comment. */
  requestorComment: string | null;
  /** When the action was created (MDE `creationDateTimeUtc`). */
  creationDateTimeUtc: string;
  /** When MDE last updated the action, i.e. when it Succeeded (`lastUpdateDateTimeUtc`). */
  completionDateTimeUtc: string | null;
  /** True when the collection was already running and this tool adopted it rather than requesting it. */
  adopted: boolean;
  /** Scheme, host and port of the MDE API, e.g. `https://api.security.microsoft.com`. */
  apiOrigin: string;
  tenantId: string | null;
  fileName: string;
  sizeBytes: number;
  sha256: string;
  downloadStartedUtc: string;
  downloadEndedUtc: string;
  verification: { method: "zip-central-directory+crc32"; entries: number; uncompressedBytes: number; verifiedUtc: string };
  tool: { name: string; version: string };
  /** `user@host` of the process that fetched the package. */
  operator: string;
  /** Signed (with the key's id and the DSSE envelope's file name) or, visibly, unsigned. */
  signature: SignatureNote;
}

/** What a later run needs from an existing manifest; everything else may be anything. */
const RecordedSchema = z.looseObject({
  schema: z.literal(MANIFEST_SCHEMA),
  actionId: z.string(),
  machineId: z.string(),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  sizeBytes: z.number().int().nonnegative(),
});

/** The manifest's bytes as written, and their SHA-256 (what custody lines record as `manifestSha256`). */
export function manifestText(manifest: PackageManifest): { text: string; sha256: string } {
  const text = `${JSON.stringify(manifest, null, 2)}\n`;
  return { text, sha256: createHash("sha256").update(text).digest("hex") };
}

/** Writes the manifest atomically (temp file, fsync, rename, folder fsync), mode 0600; returns its SHA-256. */
export async function writeManifest(file: string, manifest: PackageManifest): Promise<string> {
  const { text, sha256 } = manifestText(manifest);
  await writeFileAtomic(file, text);
  return sha256;
}

/**
 * The hash a previous run recorded for this action, or undefined when there is no manifest or
 * it is unreadable, foreign, or for another action (then the package is checked by download).
 */
export async function readRecordedPackage(
  file: string,
  ids: { actionId: string; machineId: string },
): Promise<{ sha256: string; sizeBytes: number } | undefined> {
  let text: string;
  try {
    const fh = await openRegular(file, READ_REGULAR, `cannot read ${file}`);
    text = await fh.readFile("utf8").finally(() => fh.close());
  } catch {
    return undefined; // missing, unreadable, or planted as a link: the package is checked by download
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return undefined;
  }
  const parsed = RecordedSchema.safeParse(json);
  if (!parsed.success || parsed.data.actionId !== ids.actionId || parsed.data.machineId !== ids.machineId) return undefined;
  return { sha256: parsed.data.sha256, sizeBytes: parsed.data.sizeBytes };
}

/**
 * SHA-256 of the manifest file's bytes, recorded in the `claimed` custody line: the chain then
 * commits to the manifest's story (requestor, comment, times), so an edit shows even unsigned.
 */
export async function manifestFileSha256(file: string): Promise<string> {
  const fh = await openRegular(file, READ_REGULAR, `cannot read ${file}`);
  try {
    return createHash("sha256").update(await fh.readFile()).digest("hex");
  } finally {
    await fh.close();
  }
}
