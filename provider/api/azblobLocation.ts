/**
 * The one parser of `azblob://` locations, for everything this package keeps in Azure Storage:
 * the evidence destination (../evidence/blob/destination.ts) and the quota ledger
 * (./ledger/location.ts) share one storage account, so they share one spelling and one set of
 * rules, written here (api/ is the folder both may import):
 *
 *   azblob://<account>/<container>[/<path>][?endpoint=<https url>][&<option>=<value>...]
 *
 * Why this shape: Pulumi users know `azblob://` from `pulumi login`, and Azure users think in
 * account, container and folder-like path. `endpoint` reaches a sovereign cloud, a private
 * endpoint or a local Azurite (`https://127.0.0.1:10000/devstoreaccount1`); without it the public
 * cloud's `https://<account>.blob.core.windows.net`. Each caller adds its own options and what
 * its path means; problems come back as text, for the caller's own error and example.
 */
import { isLoopbackHost } from "./endpoints";

export const AZBLOB_SCHEME = "azblob://";

export interface AzblobLocation {
  account: string;
  container: string;
  /** The path's segments after the container, without empty ones. */
  segments: string[];
  /** The account's blob endpoint, without trailing `/`. */
  endpoint: string;
  /** True when `?endpoint=` was given (canonical texts repeat it only then). */
  endpointGiven: boolean;
  /** Every option, `endpoint` included, each one of `options`. */
  params: URLSearchParams;
}

export interface AzblobRules {
  /** Options the caller understands besides `endpoint`. */
  options: readonly string[];
  /** What the path is called in messages: "prefix", "name". */
  pathName: string;
  /** The message for a location of another scheme. */
  schemeProblem: string;
}

export const isAzblobLocation = (location: string) => location.trim().toLowerCase().startsWith(AZBLOB_SCHEME);

const ACCOUNT = /^[a-z0-9]{3,24}$/;
const CONTAINER = /^(?=.{3,63}$)[a-z0-9](?:[a-z0-9]|-(?=[a-z0-9]))*$/;

/** The location, or the first thing wrong with it (the caller adds what it is and an example). */
export function parseAzblobLocation(raw: string, rules: AzblobRules): { ok: true; value: AzblobLocation } | { ok: false; problem: string } {
  const bad = (problem: string) => ({ ok: false as const, problem });
  const text = raw.trim();
  if (!isAzblobLocation(text)) return bad(rules.schemeProblem);
  const [pathPart, query = ""] = text.slice(AZBLOB_SCHEME.length).split("?", 2);
  const [account = "", container = "", ...rest] = pathPart.split("/");
  if (!ACCOUNT.test(account)) return bad(`'${account}' is not a storage account name (3-24 lower-case letters and digits)`);
  if (!CONTAINER.test(container)) return bad(`'${container}' is not a container name (3-63 lower-case letters, digits and single hyphens)`);
  const segments = rest.filter((s) => s !== "");
  if (segments.some((s) => s === "." || s === "..")) return bad(`the ${rules.pathName} must not contain . or .. segments`);
  const params = new URLSearchParams(query);
  const known = [...rules.options, "endpoint"];
  for (const key of params.keys()) if (!known.includes(key)) return bad(`unknown option '${key}' (${known.join(", ")})`);
  let endpoint = `https://${account}.blob.core.windows.net`;
  const endpointText = params.get("endpoint");
  if (endpointText !== null) {
    let url: URL;
    try {
      url = new URL(endpointText);
    } catch {
      return bad(`endpoint '${endpointText}' is not a URL`);
    }
    // Tokens only travel encrypted: @azure/storage-blob refuses a bearer token over http anyway.
    if (url.protocol !== "https:") return bad(`endpoint must be https${isLoopbackHost(url.hostname) ? " (Azurite: start it with --cert and --key)" : ""}`);
    endpoint = url.href.replace(/\/+$/, "");
  }
  return { ok: true, value: { account, container, segments, endpoint, endpointGiven: endpointText !== null, params } };
}
