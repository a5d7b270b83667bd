/**
 * The resource's evidence location input, checked at `check` (so `pulumi preview` reports it):
 * a local folder path, or an `azblob://` destination parsed in full, so a malformed one fails
 * before anything is collected.
 *
 * A local path that looks like a URL (`scheme:/…`, e.g. `azblob:/acct/c` after a
 * `path.resolve`/`path.join` squeezed its `//`, or `https://…`) is refused too: written as a
 * folder it would create `./azblob:/…` beside the project, `up` would succeed, and the evidence
 * would be somewhere no one looks (issue #21).
 */
import { z } from "zod";
import { BLOB_SCHEME, isBlobDestination, parseBlobDestination } from "./blob/destination";

/** `scheme:/` at the start, or after a folder prefix a path join put in front (`/work/azblob:/acct`). Two letters at least: `C:/` is a drive. */
const URL_LIKE = /(?:^|\/)([a-z][a-z0-9+.-]+):\/+/i;

/** Why `value`, not a blob destination, is no folder path either; undefined when it is a fine path. */
export function urlLikePathProblem(field: string, value: string): string | undefined {
  const m = value.match(URL_LIKE);
  if (!m) return undefined;
  const blob = m[1].toLowerCase() === BLOB_SCHEME.slice(0, -3);
  return (
    `${field} '${value}' looks like a URL (${m[1]}:/…), not a folder path, and is refused so the evidence does not land in a local folder named '${m[1]}:': ` +
    (blob
      ? `a blob destination is written whole, ${BLOB_SCHEME}<account>/<container>[/<prefix>][?endpoint=<https url>], and passed as it is (no path.resolve or path.join)`
      : `evidence is kept in a local folder or a blob container (${BLOB_SCHEME}<account>/<container>[/<prefix>])`)
  );
}

export function evidenceLocationSchema(field: string) {
  return z
    .string({ error: `${field} must be a folder path or an azblob:// destination` })
    .trim()
    .min(1, `${field} must be a folder path or an azblob:// destination, or left out to keep no package`)
    .superRefine((value, ctx) => {
      // A NUL byte cuts a path short in the system call (Node refuses it only at the first write):
      // refused here, so preview names it instead of a failure after the collection was requested.
      if (value.includes("\0")) {
        ctx.addIssue({ code: "custom", message: `${field} must not contain a NUL byte` });
        return;
      }
      if (!isBlobDestination(value)) {
        const problem = urlLikePathProblem(field, value);
        if (problem) ctx.addIssue({ code: "custom", message: problem });
        return;
      }
      try {
        parseBlobDestination(value);
      } catch (err) {
        ctx.addIssue({ code: "custom", message: (err as Error).message });
      }
    })
    .transform((value) => (isBlobDestination(value) ? parseBlobDestination(value).text : value));
}
