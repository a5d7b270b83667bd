/**
 * `mde:quotaLedger`: where the shared quota ledger lives, in the spelling evidence locations use,
 * parsed by the same rules (../azblobLocation.ts), so one storage account and one `?endpoint=` serve both:
 *
 *   azblob://<account>/<container>/<name>[?endpoint=<https url>][&marginMs=<n>][&skewMs=<n>]
 *
 * `<name>` is a folder-like prefix; each tenant, app and quota family gets its own document
 * under it. `marginMs` (default 2000) is how much longer than MDE's window a slot is held until
 * its call is answered, to absorb lateness, latency and clock skew between runners: raise it for
 * slow links. `skewMs` (default 250, at most half the margin) is what an answered call keeps of
 * it: how far apart two runners' clocks may be (twice the largest offset from true time; NTP
 * keeps cloud hosts within tens of ms, runners on one host share one clock: 0).
 */
import { parseAzblobLocation } from "../azblobLocation";

export interface LedgerLocation {
  account: string;
  container: string;
  /** Prefix of the ledger's documents, without leading or trailing `/`. */
  name: string;
  endpoint: string;
  marginMs: number;
  skewMs: number;
  /** Canonical text. */
  text: string;
}

export const LEDGER_EXAMPLE = "e.g. azblob://contosoir/mde-quota/ledger (the evidence account, a container of its own)";

/** The location, or what is wrong with it (for the settings' message). */
export function parseLedgerLocation(raw: string): { ok: true; value: LedgerLocation } | { ok: false; problem: string } {
  const bad = (problem: string) => ({ ok: false as const, problem: `${problem}; ${LEDGER_EXAMPLE}` });
  const parsed = parseAzblobLocation(raw, { options: ["marginMs", "skewMs"], pathName: "name", schemeProblem: "the quota ledger is an azblob:// location" });
  if (!parsed.ok) return bad(parsed.problem);
  const { account, container, segments, endpoint, endpointGiven, params } = parsed.value;
  if (segments.length === 0) return bad("name the ledger after the container (azblob://account/container/<name>)");
  const marginText = params.get("marginMs");
  const marginMs = marginText === null ? 2_000 : Number(marginText);
  if (marginText !== null && (!/^\d+$/.test(marginText) || marginMs > 60_000)) return bad("marginMs must be a whole number of milliseconds from 0 to 60000");
  const skewText = params.get("skewMs");
  const skewMs = skewText === null ? Math.min(250, Math.floor(marginMs / 2)) : Number(skewText);
  if (skewText !== null && (!/^\d+$/.test(skewText) || skewMs > marginMs / 2)) return bad(`skewMs must be a whole number of milliseconds from 0 to half of marginMs (${marginMs / 2})`);
  const name = segments.join("/");
  const options = [endpointGiven ? `endpoint=${endpoint}` : "", marginText !== null ? `marginMs=${marginMs}` : "", skewText !== null ? `skewMs=${skewMs}` : ""].filter(Boolean);
  return { ok: true, value: { account, container, name, endpoint, marginMs, skewMs, text: `azblob://${account}/${container}/${name}${options.length ? `?${options.join("&")}` : ""}` } };
}
