/**
 * `mde:quotaLedger`: where the shared quota ledger lives, in the spelling evidence locations use
 * (provider/evidence/blob/destination.ts), so one storage account and one `?endpoint=` serve both:
 *
 *   azblob://<account>/<container>/<name>[?endpoint=<https url>][&marginMs=<n>]
 *
 * `<name>` is a folder-like prefix; each tenant, app and quota family gets its own document
 * under it. `marginMs` (default 2000) is how much longer than MDE's window each slot is held,
 * to absorb latency and clock skew between runners: raise it for slow links.
 */
import { isLoopbackHost } from "../endpoints";

export interface LedgerLocation {
  account: string;
  container: string;
  /** Prefix of the ledger's documents, without leading or trailing `/`. */
  name: string;
  endpoint: string;
  marginMs: number;
  /** Canonical text. */
  text: string;
}

const ACCOUNT = /^[a-z0-9]{3,24}$/;
const CONTAINER = /^(?=.{3,63}$)[a-z0-9](?:[a-z0-9]|-(?=[a-z0-9]))*$/;
export const LEDGER_EXAMPLE = "e.g. azblob://contosoir/mde-quota/ledger (the evidence account, a container of its own)";

/** The location, or a list of what is wrong with it (for the settings' message). */
export function parseLedgerLocation(raw: string): { ok: true; value: LedgerLocation } | { ok: false; problem: string } {
  const bad = (problem: string) => ({ ok: false as const, problem: `${problem}; ${LEDGER_EXAMPLE}` });
  const text = raw.trim();
  if (!text.toLowerCase().startsWith("azblob://")) return bad("the quota ledger is an azblob:// location");
  const [pathPart, query = ""] = text.slice("azblob://".length).split("?", 2);
  const [account = "", container = "", ...rest] = pathPart.split("/");
  if (!ACCOUNT.test(account)) return bad(`'${account}' is not a storage account name (3-24 lower-case letters and digits)`);
  if (!CONTAINER.test(container)) return bad(`'${container}' is not a container name (3-63 lower-case letters, digits and single hyphens)`);
  const segments = rest.filter((s) => s !== "");
  if (segments.length === 0) return bad("name the ledger after the container (azblob://account/container/<name>)");
  if (segments.some((s) => s === "." || s === "..")) return bad("the name must not contain . or .. segments");
  const params = new URLSearchParams(query);
  for (const key of params.keys()) if (!["endpoint", "marginMs"].includes(key)) return bad(`unknown option '${key}' (endpoint, marginMs)`);
  let endpoint = `https://${account}.blob.core.windows.net`;
  const endpointText = params.get("endpoint");
  if (endpointText !== null) {
    let url: URL;
    try {
      url = new URL(endpointText);
    } catch {
      return bad(`endpoint '${endpointText}' is not a URL`);
    }
    if (url.protocol !== "https:") return bad(`endpoint must be https${isLoopbackHost(url.hostname) ? " (Azurite: start it with --cert and --key)" : ""}`);
    endpoint = url.href.replace(/\/+$/, "");
  }
  const marginText = params.get("marginMs");
  const marginMs = marginText === null ? 2_000 : Number(marginText);
  if (marginText !== null && (!/^\d+$/.test(marginText) || marginMs > 60_000)) return bad("marginMs must be a whole number of milliseconds from 0 to 60000");
  const name = segments.join("/");
  const options = [endpointText !== null ? `endpoint=${endpoint}` : "", marginText !== null ? `marginMs=${marginMs}` : ""].filter(Boolean);
  return { ok: true, value: { account, container, name, endpoint, marginMs, text: `azblob://${account}/${container}/${name}${options.length ? `?${options.join("&")}` : ""}` } };
}
