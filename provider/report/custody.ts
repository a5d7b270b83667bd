/**
 * The report's `reported` custody event, written so that `verify` still vouches for the log
 * afterwards. In a signed location (custody.head.json exists) a line appended without a new
 * signed head is "not covered by a signature": `verify --public-key` would fall from exit 0 to 3
 * because somebody made a report. So the head is re-signed after the line, with the key that
 * signed it before, and the report refuses up front (before reading anything) when it has no
 * key or another one: a responder then gives the key, or makes the report with `--no-custody`.
 * The provider's own runs (a sweep's report) pass their evidence handler's `record`, which signs
 * with the stack's key as it does after every other event.
 */
import { keyIdOf, EnvelopeSchema } from "../evidence/dsse";
import { HEAD_FILE, headEnvelopeText } from "../evidence/attest";
import { CustodyLog, type DetailValue } from "../evidence/custodyLog";
import { loadSigningKey, SIGNING_KEY_CONFIG, type SigningKeySource } from "../evidence/signingKey";
import type { EvidenceSource } from "../verify/source";
import type { Clock } from "../util/clock";
import { ForensicsError } from "../util/error";
import type { PackageFiles } from "./location";

/** Appends one custody event to the location (the provider's evidence handler has this shape). */
export type CustodyRecorder = (location: string, event: string, subject: Record<string, never>, extra: Record<string, DetailValue>) => Promise<void>;

export interface CustodySettings {
  /** The key that signs the custody head after the `reported` line. */
  signingKey?: SigningKeySource;
  /** Appends through someone else's custody log instead (the sweep's evidence handler, which signs with the stack's key). */
  record?: CustodyRecorder;
}

/** A head envelope is a few hundred bytes. */
const HEAD_MAX_BYTES = 1 << 20;

/**
 * Checks that the `reported` event can be appended without leaving the log's end unsigned, and
 * returns the function that appends it. Throws before any package is read when it cannot.
 */
export async function reportedEvent(source: EvidenceSource, files: PackageFiles, settings: CustodySettings, tool: string, clock: Clock): Promise<(extra: Record<string, DetailValue>) => Promise<void>> {
  if (settings.record) {
    const record = settings.record;
    return (extra) => record(files.custodyTarget, "reported", {}, extra);
  }
  const key = settings.signingKey ? loadSigningKey(settings.signingKey) : undefined;
  const signers = await headSigners(source);
  if (signers && !key) {
    throw new ForensicsError(`the custody log of ${source.label} is signed (${HEAD_FILE}): a \`reported\` line without a new signed head would leave its end unsigned, and verify could no longer vouch for it. Give the key that signs it (--signing-key <pem> or ${SIGNING_KEY_CONFIG.env}), or make the report with --no-custody`);
  }
  if (signers && key && !signers.includes(keyIdOf(key))) {
    throw new ForensicsError(`the custody head of ${source.label} is signed by key ${signers.join(", ") || "(no key id)"}, not by the key given (${keyIdOf(key)}): the report would re-sign it with a key verify's trusted keys may not include. Give the key that signs it, or --no-custody`);
  }
  const log = new CustodyLog({ clock, tool, appenderFor: () => files.appender(), headFor: key ? async (_location, head) => headEnvelopeText(await head(), key) : undefined });
  return async (extra) => void (await log.append(files.custodyTarget, "reported", {}, extra));
}

/** Key ids of the current head's signatures, or undefined when the log has no signed head. */
async function headSigners(source: EvidenceSource): Promise<string[] | undefined> {
  const bytes = await source.readBytes(HEAD_FILE, HEAD_MAX_BYTES);
  if (!bytes) return undefined;
  let parsed: ReturnType<typeof EnvelopeSchema.safeParse>;
  try {
    parsed = EnvelopeSchema.safeParse(JSON.parse(bytes.toString("utf8")));
  } catch {
    throw new ForensicsError(`${source.label}: ${HEAD_FILE} is not JSON; run mde-forensics verify on the location first`);
  }
  if (!parsed.success) throw new ForensicsError(`${source.label}: ${HEAD_FILE} is not a signed envelope; run mde-forensics verify on the location first`);
  return parsed.data.signatures.flatMap((s) => (s.keyid ? [s.keyid] : []));
}
