/**
 * The correlation marker: a 12-character tag such as `[k3f9a.q2mz]` appended (after one space)
 * to the comment of every collection this package requests.
 *
 * Why: MDE's collect request carries nothing but `Comment`, and a `pulumi up` can lose the
 * action id it was given (the process was killed after the POST, or the reply was lost on the
 * way). The tag lets the next run find that collection again by listing the device's actions,
 * whatever its status, instead of requesting a second one. Analysts see it at the end of the
 * comment in the portal; it is a hash, it says nothing about the stack.
 *
 * Two parts, so the pre-check can tell three kinds of collections apart:
 * - owner (5 characters): who asked: project, stack and resource name (for a sweep: sweep name
 *   and machine id). The same across rounds of one resource.
 * - intent (4 characters): what was asked: the owner, the comment and the triggers. A new round
 *   (changed comment or triggers) has a new intent.
 * Same owner and intent: this declaration's own collection (resume or reuse it). Same owner,
 * other intent: an earlier round of the same resource (never adopt it: wait for it, then request).
 * No tag or another owner: someone else's collection (adopt it while it runs, as before).
 *
 * Pure and dependency-free (node:crypto only): the resource computes it in the Pulumi program,
 * where the stack and resource name are known; a dynamic provider's create never sees the URN.
 */
import { createHash } from "node:crypto";
import { InvalidArgumentError } from "../util/error";

/** Characters of the tag, brackets included. */
export const MARKER_LENGTH = 12;
/** What the marker adds to a comment: the tag and the space before it. */
export const MARKER_SUFFIX_LENGTH = MARKER_LENGTH + 1;
/** The tag alone. */
export const MARKER_PATTERN = /^\[[a-z2-7]{5}\.[a-z2-7]{4}\]$/;
/** The tag at the end of a comment, as MDE lists it. */
const MARKER_AT_END = /(?:^|\s)(\[([a-z2-7]{5})\.([a-z2-7]{4})\])\s*$/;

export interface Intent {
  comment: string;
  triggers?: Record<string, string> | null;
}

export interface ParsedMarker {
  marker: string;
  owner: string;
  intent: string;
}

/**
 * The marker of `intent` asked for by `owner`, e.g. `["proj", "prod", "InvestigationPackageCollection", "ws01"]`
 * or `["proj", "prod", "InvestigationSweep", "sweep1", machineId]`. Comment whitespace at either
 * end and the order of triggers do not change it, as they do not change what is collected.
 */
export function correlationMarker(owner: readonly string[], intent: Intent): string {
  const ownerTag = base32(digest(["owner", ...owner])).slice(0, 5);
  const triggers = Object.entries(intent.triggers ?? {}).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const intentTag = base32(digest(["intent", ...owner, String(intent.comment ?? "").trim(), JSON.stringify(triggers)])).slice(0, 4);
  return `[${ownerTag}.${intentTag}]`;
}

/** The comment MDE is sent: the declared comment, one space, the marker. */
export function withMarker(comment: string, marker: string): string {
  return `${comment.trim()} ${marker}`;
}

/** The marker at the end of a listed comment, if any. */
export function markerOf(comment: string | null | undefined): ParsedMarker | undefined {
  const m = MARKER_AT_END.exec(comment ?? "");
  return m ? { marker: m[1], owner: m[2], intent: m[3] } : undefined;
}

export function parseMarker(marker: string): ParsedMarker {
  if (!MARKER_PATTERN.test(marker)) throw new InvalidArgumentError(`not a correlation marker: ${JSON.stringify(marker)}`);
  return { marker, owner: marker.slice(1, 6), intent: marker.slice(7, 11) };
}

function digest(parts: readonly string[]): Buffer {
  return createHash("sha256").update(JSON.stringify(parts)).digest();
}

const ALPHABET = "abcdefghijklmnopqrstuvwxyz234567";

/** RFC 4648 base32, lower case, no padding: letters and digits that read unambiguously in a portal. */
function base32(bytes: Buffer): string {
  let out = "";
  let bits = 0;
  let value = 0;
  for (const byte of bytes) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += ALPHABET[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
    value &= (1 << bits) - 1;
  }
  return out;
}
