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
import { isLoopbackHost } from "../../api/endpoints";
import { EvidenceError } from "../errors";

export const BLOB_SCHEME = "azblob://";

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

export const isBlobDestination = (location: string) => location.trim().toLowerCase().startsWith(BLOB_SCHEME);

const ACCOUNT = /^[a-z0-9]{3,24}$/;
const CONTAINER = /^(?=.{3,63}$)[a-z0-9](?:[a-z0-9]|-(?=[a-z0-9]))*$/;
const EXAMPLE = "e.g. azblob://contosoir/evidence/INC-2041?legalHold=true";

export function parseBlobDestination(location: string): BlobDestination {
  const bad = (why: string) => new EvidenceError("destination", `evidence ${location}: ${why}; ${EXAMPLE}`);
  const raw = location.trim();
  if (!isBlobDestination(raw)) throw bad("a blob destination starts with azblob://");
  const [pathPart, query = ""] = raw.slice(BLOB_SCHEME.length).split("?", 2);
  const [account = "", container = "", ...rest] = pathPart.split("/");
  if (!ACCOUNT.test(account)) throw bad(`'${account}' is not a storage account name (3-24 lower-case letters and digits)`);
  if (!CONTAINER.test(container)) throw bad(`'${container}' is not a container name (3-63 lower-case letters, digits and single hyphens)`);
  const segments = rest.filter((s) => s !== "");
  if (segments.some((s) => s === "." || s === "..")) throw bad("the prefix must not contain . or .. segments");
  const prefix = segments.join("/");
  const params = new URLSearchParams(query);
  for (const key of params.keys()) if (!["legalHold", "retentionDays", "endpoint"].includes(key)) throw bad(`unknown option '${key}' (legalHold, retentionDays, endpoint)`);
  const legalHoldText = params.get("legalHold");
  if (legalHoldText !== null && legalHoldText !== "true" && legalHoldText !== "false") throw bad("legalHold must be true or false");
  const retentionText = params.get("retentionDays");
  let retentionDays: number | undefined;
  if (retentionText !== null) {
    retentionDays = Number(retentionText);
    if (!/^\d+$/.test(retentionText) || retentionDays < 1 || retentionDays > 146_000) throw bad("retentionDays must be a whole number of days from 1 to 146000");
  }
  let endpoint = `https://${account}.blob.core.windows.net`;
  const endpointText = params.get("endpoint");
  if (endpointText !== null) {
    let url: URL;
    try {
      url = new URL(endpointText);
    } catch {
      throw bad(`endpoint '${endpointText}' is not a URL`);
    }
    // Tokens only travel encrypted: @azure/storage-blob refuses a bearer token over http anyway.
    if (url.protocol !== "https:") throw bad(`endpoint must be https${isLoopbackHost(url.hostname) ? " (Azurite: start it with --cert and --key)" : ""}`);
    endpoint = url.href.replace(/\/+$/, "");
  }
  const options = [legalHoldText === "true" ? "legalHold=true" : "", retentionDays ? `retentionDays=${retentionDays}` : "", endpointText !== null ? `endpoint=${endpoint}` : ""].filter(Boolean);
  const text = `${BLOB_SCHEME}${account}/${container}${prefix ? `/${prefix}` : ""}${options.length ? `?${options.join("&")}` : ""}`;
  return { account, container, prefix, endpoint, legalHold: legalHoldText === "true", retentionDays, text };
}

/** The blob name of `file` under the destination's prefix. */
export const blobName = (d: BlobDestination, file: string) => (d.prefix ? `${d.prefix}/${file}` : file);

/** Whether the destination asks for immutability, which the container must be able to give. */
export const wantsImmutability = (d: BlobDestination) => d.legalHold || d.retentionDays !== undefined;
