/**
 * `verify`'s checks over one evidence location: per package, the bytes against the manifest,
 * the ZIP's integrity, the custody log's record of the hash, the manifest's signature; for the
 * location, the custody chain and its signed head. Every problem is collected (the first is the
 * one the exit names), so one run shows an investigator everything that is wrong.
 */
import type { KeyObject } from "node:crypto";
import { STORED_MACHINE_ID_PATTERN } from "../api/machineIdPattern";
import { envelopeName, HEAD_FILE, PACKAGE_PREDICATE } from "../evidence/attest";
import { CUSTODY_LOG_NAME } from "../evidence/custodyLog";
import { openEnvelope } from "../evidence/dsse";
import { messageOf } from "../evidence/errors";
import { checkChain, type ParsedLine } from "./chain";
import type { EvidenceSource } from "./source";

export interface PackageRow {
  package: string;
  device: string;
  action: string;
  sha256: string;
  chain: "ok" | "BROKEN";
  signature: "ok" | "unsigned" | "unchecked" | "BAD";
}

export interface VerifyReport {
  location: string;
  rows: PackageRow[];
  /** Every problem found, in the order checked; empty when all holds. */
  problems: string[];
  chain: { ok: boolean; head: string; legacyLines: number; lines: number };
}

/** The action id in a package's base name: letters, digits, `-` and `_` (MDE's are GUIDs). */
const ACTION_ID_PART = /^[A-Za-z0-9][A-Za-z0-9_-]*$/;

/** `<machineId>-<actionId>` (a kept package's base name) → its two parts; undefined for other names. */
function packageBase(base: string): [machineId: string, actionId: string] | undefined {
  const dash = base.indexOf("-");
  if (dash < 0) return undefined;
  const [machineId, actionId] = [base.slice(0, dash), base.slice(dash + 1)];
  return STORED_MACHINE_ID_PATTERN.test(machineId) && ACTION_ID_PART.test(actionId) ? [machineId, actionId] : undefined;
}

const RECORDING_EVENTS = new Set(["verified", "reused", "claimed"]);

export async function verifyLocation(source: EvidenceSource, publicKey?: KeyObject): Promise<VerifyReport> {
  const problems: string[] = [];
  const names = new Set(await source.list());
  const chain = checkChain(await source.readText(CUSTODY_LOG_NAME), await source.readText(HEAD_FILE), publicKey);
  if (chain.problem) problems.push(chain.problem);
  if (chain.headProblem) problems.push(chain.headProblem);
  if (publicKey && !names.has(HEAD_FILE)) problems.push(`${HEAD_FILE} is missing: the custody log is unsigned, but a public key was given`);

  // Packages: every manifest, every ZIP, and every file the custody log says was kept.
  const bases = new Set<string>();
  for (const n of names) {
    const m = /^(.+)\.(zip|json)$/.exec(n);
    if (m && packageBase(m[1]) && !n.endsWith(".intoto.json")) bases.add(m[1]);
  }
  const recorded = recordedHashes(chain.lines);
  for (const key of recorded.keys()) bases.add(key);

  const rows: PackageRow[] = [];
  for (const base of [...bases].sort()) {
    rows.push(await checkPackage(source, base, names, recorded.get(base), chain.problem === undefined && chain.headProblem === undefined, publicKey, problems));
  }
  return { location: source.label, rows, problems, chain: { ok: !chain.problem && !chain.headProblem, head: chain.head, legacyLines: chain.legacyLines, lines: chain.lines.length } };
}

/** `<machineId>-<actionId>` → the SHA-256 values the custody log recorded for that package. */
function recordedHashes(lines: ParsedLine[]): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  for (const l of lines) {
    if (!RECORDING_EVENTS.has(l.event) || typeof l.details.sha256 !== "string" || !l.machineId || !l.actionId) continue;
    const base = `${l.machineId}-${l.actionId}`;
    if (!out.has(base)) out.set(base, new Set());
    out.get(base)!.add(l.details.sha256);
  }
  return out;
}

async function checkPackage(
  source: EvidenceSource,
  base: string,
  names: Set<string>,
  custodyHashes: Set<string> | undefined,
  chainOk: boolean,
  publicKey: KeyObject | undefined,
  problems: string[],
): Promise<PackageRow> {
  const zip = `${base}.zip`;
  const [machineId, actionId] = packageBase(base)!;
  const row: PackageRow = { package: zip, device: machineId, action: actionId, sha256: "-", chain: chainOk ? "ok" : "BROKEN", signature: "unsigned" };
  const fail = (message: string) => problems.push(`${zip}: ${message}`);

  const manifestText = await source.readText(`${base}.json`);
  let manifest: Record<string, any> | undefined;
  try {
    manifest = manifestText === undefined ? undefined : JSON.parse(manifestText);
  } catch {
    fail(`its manifest ${base}.json is not JSON (edited?)`);
  }
  if (manifestText === undefined) fail(`its manifest ${base}.json is missing`);
  if (manifest && (manifest.fileName !== zip || manifest.machineId !== machineId || manifest.actionId !== actionId)) {
    fail(`its manifest names ${manifest.machineId}-${manifest.actionId} (${manifest.fileName}): swapped or edited`);
  }

  const actual = names.has(zip) ? await source.hash(zip) : undefined;
  if (!actual) {
    fail("the package is missing");
  } else {
    row.sha256 = actual.sha256;
    if (manifest && (manifest.sha256 !== actual.sha256 || manifest.sizeBytes !== actual.sizeBytes)) {
      fail(`its SHA-256 is ${actual.sha256} (${actual.sizeBytes} bytes), but the manifest records ${manifest.sha256} (${manifest.sizeBytes} bytes)`);
    }
    if (!custodyHashes?.has(actual.sha256)) {
      row.chain = "BROKEN";
      fail(custodyHashes ? `the custody log records SHA-256 ${[...custodyHashes].join(", ")} for it, not ${actual.sha256}` : "the custody log has no record of it");
    }
    try {
      const zipSummary = await source.checkZip(zip);
      if (manifest && manifest.verification?.entries !== undefined && manifest.verification.entries !== zipSummary.entries) {
        fail(`it holds ${zipSummary.entries} files, but the manifest records ${manifest.verification.entries}`);
      }
    } catch (err) {
      fail(`not an intact ZIP: ${messageOf(err)}`);
    }
  }
  row.signature = await checkSignature(source, base, names, manifest, actual?.sha256, publicKey, fail);
  return row;
}

async function checkSignature(
  source: EvidenceSource,
  base: string,
  names: Set<string>,
  manifest: Record<string, any> | undefined,
  sha256: string | undefined,
  publicKey: KeyObject | undefined,
  fail: (message: string) => void,
): Promise<PackageRow["signature"]> {
  const envName = envelopeName(`${base}.zip`);
  const claimsSigned = manifest?.signature?.status === "signed";
  if (!names.has(envName)) {
    if (claimsSigned) {
      fail(`its manifest says signed, but ${envName} is missing`);
      return "BAD";
    }
    if (publicKey) fail("it is unsigned, but a public key was given");
    return "unsigned";
  }
  if (!publicKey) return "unchecked";
  let raw: unknown;
  try {
    raw = JSON.parse((await source.readText(envName)) ?? "");
  } catch {
    raw = undefined;
  }
  const opened = openEnvelope(raw, publicKey);
  if (!opened.ok) {
    fail(`${envName}: ${opened.reason}`);
    return "BAD";
  }
  const { statement } = opened;
  const subject = statement.subject[0];
  if (statement.predicateType !== PACKAGE_PREDICATE || subject.name !== `${base}.zip`) {
    fail(`${envName} signs ${subject.name}, not this package`);
    return "BAD";
  }
  if (sha256 !== undefined && subject.digest.sha256 !== sha256) {
    fail(`${envName} signs SHA-256 ${subject.digest.sha256}, not the package's ${sha256}`);
    return "BAD";
  }
  if (manifest && canonical(statement.predicate) !== canonical(manifest)) {
    fail(`its manifest ${base}.json differs from the signed one (edited after signing)`);
    return "BAD";
  }
  return "ok";
}

/** JSON with sorted keys: the signed predicate and the manifest file are compared as values. */
function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(",")}]`;
  if (v && typeof v === "object") {
    return `{${Object.keys(v)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical((v as Record<string, unknown>)[k])}`)
      .join(",")}}`;
  }
  return JSON.stringify(v);
}
