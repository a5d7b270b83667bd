/**
 * The resource's evidence location input, checked at `check` (so `pulumi preview` reports it):
 * a local folder path, or an `azblob://` destination parsed in full, so a malformed one fails
 * before anything is collected.
 */
import { z } from "zod";
import { isBlobDestination, parseBlobDestination } from "./blob/destination";

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
      if (!isBlobDestination(value)) return;
      try {
        parseBlobDestination(value);
      } catch (err) {
        ctx.addIssue({ code: "custom", message: (err as Error).message });
      }
    })
    .transform((value) => (isBlobDestination(value) ? parseBlobDestination(value).text : value));
}
