/**
 * One package's checks: its bytes against its manifest and the custody log, its ZIP, its
 * manifest's bytes against the hash the log recorded, and its envelope's claims (subject hash,
 * predicate = manifest) with or without a key. Every problem is collected, none is thrown: a
 * malformed manifest, a directory, a symlink or a FIFO in a package's place is reported by name.
 */
import { createHash } from "node:crypto";
import { STORED_MACHINE_ID_PATTERN } from "../api/machineIdPattern";
import { envelopeName, PACKAGE_PREDICATE } from "../evidence/attest";
import { messageOf } from "../evidence/errors";
import { ACTION_ID_PART, type Recorded } from "./chain";
import { canonical, MAX_SMALL_FILE_BYTES, readEnvelopeFile, type Signers } from "./envelopes";
import type { EntryKind, EvidenceSource } from "./source";

export interface PackageRow {
  package: string;
  device: string;
  action: string;
  sha256: string;
  /** `incomplete`: not recorded yet, and its keep marker says the keep is under way or was interrupted. */
  chain: "ok" | "BROKEN" | "incomplete";
  signature: "ok" | "unsigned" | "unchecked" | "BAD";
}

export interface PackageContext {
  source: EvidenceSource;
  kinds: Map<string, EntryKind>;
  signers: Signers;
  chainOk: boolean;
  /** Lines the signed head covers; undefined without a (matching) head. */
  covered: number | undefined;
  /** Bases with a keep marker `<base>.partial` (keepMarker.ts): a keep under way or interrupted. */
  marked: ReadonlySet<string>;
  problems: string[];
  unproven: string[];
}

/** `<machineId>-<actionId>` (a kept package's base name) → its two parts; undefined for other names. */
export function packageBase(base: string): [machineId: string, actionId: string] | undefined {
  const dash = base.indexOf("-");
  if (dash < 0) return undefined;
  const [machineId, actionId] = [base.slice(0, dash), base.slice(dash + 1)];
  return STORED_MACHINE_ID_PATTERN.test(machineId) && ACTION_ID_PART.test(actionId) ? [machineId, actionId] : undefined;
}

const sha256Of = (b: Buffer) => createHash("sha256").update(b).digest("hex");
const isRecord = (v: unknown): v is Record<string, any> => !!v && typeof v === "object" && !Array.isArray(v);

export async function checkPackage(c: PackageContext, base: string, recorded: Recorded | undefined): Promise<PackageRow> {
  const zip = `${base}.zip`;
  const [machineId, actionId] = packageBase(base)!;
  const row: PackageRow = { package: zip, device: machineId, action: actionId, sha256: "-", chain: c.chainOk ? "ok" : "BROKEN", signature: "unsigned" };
  const fail = (message: string) => c.problems.push(`${zip}: ${message}`);
  // Recorded only after the signed head: a write in progress (verify takes no lock), whose
  // manifest and envelope may not be there yet. Once the head covers it, a missing one is a problem.
  const inProgress = recorded !== undefined && c.covered !== undefined && recorded.firstLine > c.covered;
  // A keep marker: the package, its manifest, its envelope and its `verified` line appear in that
  // order (keep.ts), so what is not there yet is incomplete; what is there must still agree.
  const marked = c.marked.has(base);
  const why = inProgress ? "being written (recorded after the signed head)" : "incomplete (its keep marker is there)";
  const pending = (message: string) => c.unproven.push(`${zip}: ${why}: ${message}`);
  const missing = inProgress || marked ? pending : fail;
  const manifest = await readManifest(c, base, recorded, inProgress ? pending : fail, missing);
  if (manifest && (manifest.fileName !== zip || manifest.machineId !== machineId || manifest.actionId !== actionId)) {
    fail(`its manifest names ${manifest.machineId}-${manifest.actionId} (${manifest.fileName}): swapped or edited`);
  }

  let actual: { sha256: string; sizeBytes: number } | undefined;
  try {
    actual = await c.source.hash(zip);
  } catch (err) {
    fail(messageOf(err).replace(`${zip}: `, ""));
  }
  if (!actual) {
    if (!c.kinds.has(zip) || c.kinds.get(zip) === "file") missing("the package is missing");
  } else {
    if (marked) await checkMarker(c, base, actual.sha256, fail);
    row.sha256 = actual.sha256;
    if (manifest && (manifest.sha256 !== actual.sha256 || manifest.sizeBytes !== actual.sizeBytes)) {
      fail(`its SHA-256 is ${actual.sha256} (${actual.sizeBytes} bytes), but the manifest records ${manifest.sha256} (${manifest.sizeBytes} bytes)`);
    }
    if (recorded && !recorded.sha256.has(actual.sha256)) {
      row.chain = "BROKEN";
      fail(`the custody log records SHA-256 ${[...recorded.sha256].join(", ")} for it, not ${actual.sha256}`);
    } else if (!recorded) {
      row.chain = marked ? "incomplete" : "BROKEN";
      missing("the custody log has no record of it yet");
    }
    try {
      const summary = await c.source.checkZip(zip);
      if (manifest && manifest.verification?.entries !== undefined && manifest.verification.entries !== summary.entries) {
        fail(`it holds ${summary.entries} files, but the manifest records ${manifest.verification.entries}`);
      }
    } catch (err) {
      fail(`not an intact ZIP: ${messageOf(err)}`);
    }
  }
  row.signature = await checkEnvelope(c, base, manifest, actual?.sha256, (inProgress || marked) && !manifest ? pending : fail);
  return row;
}

/** The manifest as a JSON object, its bytes checked against the hash the custody log recorded. */
async function readManifest(c: PackageContext, base: string, recorded: Recorded | undefined, fail: (m: string) => void, missing: (m: string) => void): Promise<Record<string, any> | undefined> {
  const name = `${base}.json`;
  let bytes: Buffer | undefined;
  try {
    bytes = await c.source.readBytes(name, MAX_SMALL_FILE_BYTES);
  } catch (err) {
    fail(`its manifest ${messageOf(err)}`);
    return undefined;
  }
  if (bytes === undefined) {
    missing(`its manifest ${name} is missing`);
    return undefined;
  }
  const sha256 = sha256Of(bytes);
  if (recorded?.manifestSha256.size && !recorded.manifestSha256.has(sha256)) {
    fail(`its manifest's SHA-256 is ${sha256}, but the custody log records ${[...recorded.manifestSha256].join(", ")} (the manifest was edited)`);
  } else if (recorded && !recorded.manifestSha256.size) {
    c.unproven.push(`${base}.zip: the custody log does not record its manifest's SHA-256 (no \`claimed\` line yet: a keep interrupted before it, or a log written before 0.2): the manifest's text is not committed`);
  }
  let json: unknown;
  try {
    json = JSON.parse(bytes.toString("utf8"));
  } catch {
    fail(`its manifest ${name} is not JSON (edited?)`);
    return undefined;
  }
  if (!isRecord(json)) fail(`its manifest ${name} is not a JSON object`);
  return isRecord(json) ? json : undefined;
}

/** A marked package's bytes must be the ones its marker says are being kept: anything else is not an interrupted keep. */
async function checkMarker(c: PackageContext, base: string, sha256: string, fail: (m: string) => void): Promise<void> {
  let note: unknown;
  try {
    note = JSON.parse((await c.source.readBytes(`${base}.partial`, MAX_SMALL_FILE_BYTES))?.toString("utf8") ?? "null");
  } catch (err) {
    return fail(`its keep marker ${base}.partial cannot be read: ${messageOf(err)}`);
  }
  if (!isRecord(note) || typeof note.sha256 !== "string") return fail(`its keep marker ${base}.partial is not one this tool writes`);
  if (note.sha256 !== sha256) fail(`its SHA-256 is ${sha256}, but its keep marker says ${note.sha256} is being kept`);
}

async function checkEnvelope(c: PackageContext, base: string, manifest: Record<string, any> | undefined, sha256: string | undefined, fail: (m: string) => void): Promise<PackageRow["signature"]> {
  const envName = envelopeName(`${base}.zip`);
  const read = await readEnvelopeFile(c.source, envName);
  if (read === undefined) {
    if (manifest?.signature?.status === "signed") {
      fail(`its manifest says signed, but ${envName} is missing`);
      return "BAD";
    }
    if (c.signers.keys.length) fail("it is unsigned, but a public key was given");
    else c.unproven.push(`${base}.zip is unsigned`);
    return "unsigned";
  }
  if (typeof read === "string") {
    fail(`${envName}: ${read}`);
    return "BAD";
  }
  let verdict: PackageRow["signature"] = "ok";
  const { statement } = read;
  const subject = statement.subject[0];
  if (statement.predicateType !== PACKAGE_PREDICATE || subject.name !== `${base}.zip`) {
    fail(`${envName} signs ${subject.name}, not this package`);
    verdict = "BAD";
  } else if (sha256 !== undefined && subject.digest.sha256 !== sha256) {
    fail(`${envName} signs SHA-256 ${subject.digest.sha256}, not the package's ${sha256}`);
    verdict = "BAD";
  } else if (manifest && canonical(statement.predicate) !== canonical(manifest)) {
    fail(`its manifest ${base}.json differs from the signed one (edited after signing)`);
    verdict = "BAD";
  }
  const trusted = c.signers.check(read);
  if (c.signers.keys.length && !trusted) {
    fail(`${envName}: not signed by a trusted key (it claims key id ${read.signatures.map((s) => s.keyid ?? "none").join(", ")})`);
    return "BAD";
  }
  return verdict === "ok" && !trusted ? "unchecked" : verdict;
}
