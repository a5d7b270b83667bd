/**
 * The package download, as the storage host serves it: no bearer token, the `token` query
 * parameter is the credential; a bad or expired one is 403 `AuthenticationFailed`, a package
 * that does not exist (any more) is 404 `BlobNotFound`. Range requests are not supported.
 */
import { createHash } from "node:crypto";
import { storageAuthError, storageNotFound } from "../wire/errors";
import { PACKAGE_FILE_NAME } from "./packages";
import type { Handler } from "../handlers/handler";

export const download: Handler = async (ctx) => {
  const { store, links, packages, counters } = ctx.emu;
  const check = links.check(ctx.query.get("token"), ctx.nowMs);
  if (!check.ok) {
    throw storageAuthError(check.reason === "expired" ? "Signed expiry time has passed." : "Signature did not match.");
  }
  const action = store.actionById(check.actionId);
  if (!action || store.stateOf(action, ctx.nowMs).status !== "Succeeded") throw storageNotFound();
  const { bytes } = await packages.build(action);
  counters.bump("packageDownloads", action.id);
  return {
    status: 200,
    body: bytes,
    contentType: "application/zip",
    headers: {
      "Content-Disposition": `attachment; filename="${PACKAGE_FILE_NAME}"`,
      "Content-MD5": createHash("md5").update(bytes).digest("base64"),
      "x-ms-blob-type": "BlockBlob",
    },
  };
};
