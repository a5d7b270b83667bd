/**
 * The blob spelling of an evidence location:
 *
 *   azblob://<account>/<container>[/<prefix>][?legalHold=true][&retentionDays=<n>][&endpoint=<https url>]
 *
 * Why this shape: Pulumi users know `azblob://` from `pulumi login`, and Azure users think in
 * account, container and folder-like prefix. `endpoint` reaches a sovereign cloud, a private
 * endpoint or a local Azurite (`https://127.0.0.1:10000/devstoreaccount1`); without it the public
 * cloud's `https://<account>.blob.core.windows.net`. Parsed at `check`, so a malformed
 * destination fails at preview, before anything is collected.
 */
import { AZBLOB_SCHEME, isAzblobLocation, parseAzblobLocation } from "../../api/azblobLocation";
import { EvidenceError } from "../errors";

/** The scheme every `azblob://` location shares (api/azblobLocation.ts holds its rules). */
export const BLOB_SCHEME = AZBLOB_SCHEME;

export interface BlobDestination {
  account: string;
  container: string;
  /** Folder-like prefix, without leading or trailing `/`; "" for the container's root. */
  prefix: string;
  /** The account's blob endpoint, e.g. `https://contoso.blob.core.windows.net`. */
  endpoint: string;
  legalHold: boolean;
  /** Days of time-based retention set on every blob written; undefined: none. */
  retentionDays?: number;
  /** Canonical text of the destination (what is stored and shown). */
  text: string;
}

export const isBlobDestination = isAzblobLocation;

const EXAMPLE = "e.g. azblob://contosoir/evidence/INC-2041?legalHold=true";

export function parseBlobDestination(location: string): BlobDestination {
  const bad = (why: string) => new EvidenceError("destination", `evidence ${location}: ${why}; ${EXAMPLE}`);
  // Account, container, path and endpoint follow the one azblob:// parser; what is evidence's own
  // is the prefix's meaning and the immutability options.
  const parsed = parseAzblobLocation(location, { options: ["legalHold", "retentionDays"], pathName: "prefix", schemeProblem: "a blob destination starts with azblob://" });
  if (!parsed.ok) throw bad(parsed.problem);
  const { account, container, segments, endpoint, endpointGiven, params } = parsed.value;
  const prefix = segments.join("/");
  const legalHoldText = params.get("legalHold");
  if (legalHoldText !== null && legalHoldText !== "true" && legalHoldText !== "false") throw bad("legalHold must be true or false");
  const retentionText = params.get("retentionDays");
  let retentionDays: number | undefined;
  if (retentionText !== null) {
    retentionDays = Number(retentionText);
    if (!/^\d+$/.test(retentionText) || retentionDays < 1 || retentionDays > 146_000) throw bad("retentionDays must be a whole number of days from 1 to 146000");
  }
  const options = [legalHoldText === "true" ? "legalHold=true" : "", retentionDays ? `retentionDays=${retentionDays}` : "", endpointGiven ? `endpoint=${endpoint}` : ""].filter(Boolean);
  const text = `${BLOB_SCHEME}${account}/${container}${prefix ? `/${prefix}` : ""}${options.length ? `?${options.join("&")}` : ""}`;
  return { account, container, prefix, endpoint, legalHold: legalHoldText === "true", retentionDays, text };
}

/** The blob name of `file` under the destination's prefix. */
export const blobName = (d: BlobDestination, file: string) => (d.prefix ? `${d.prefix}/${file}` : file);

/** Whether the destination asks for immutability, which the container must be able to give. */
export const wantsImmutability = (d: BlobDestination) => d.legalHold || d.retentionDays !== undefined;
