/**
 * The container an evidence destination names, reached with the same @azure/identity credential
 * chain as MDE (in GitOps: the workflow's OIDC identity; no storage key, no SAS), and the
 * pre-flight that proves, before anything is collected, that evidence can be kept there:
 * the container answers, this identity may write, and it can make blobs immutable when asked.
 */
import type { TokenCredential } from "@azure/identity";
import { type BlobImmutabilityPolicy, ContainerClient, RestError } from "@azure/storage-blob";
import { EvidenceError } from "../errors";
import { type BlobDestination, blobName, wantsImmutability } from "./destination";

export function containerClient(d: BlobDestination, credential: TokenCredential): ContainerClient {
  // Few retries: a pre-flight against an unreachable host should fail in seconds, not minutes.
  return new ContainerClient(`${d.endpoint}/${d.container}`, credential, { retryOptions: { maxTries: 3, retryDelayInMs: 500, maxRetryDelayInMs: 4_000, tryTimeoutInMs: 5 * 60_000 } });
}

/** What every blob written gets, when the destination asks for immutability. */
export function immutabilityOf(d: BlobDestination, nowMs: number): { legalHold?: boolean; immutabilityPolicy?: BlobImmutabilityPolicy } {
  return {
    ...(d.legalHold ? { legalHold: true } : {}),
    ...(d.retentionDays ? { immutabilityPolicy: { expiriesOn: new Date(nowMs + d.retentionDays * 86_400_000), policyMode: "Unlocked" as const } } : {}),
  };
}

/** Reads the container's properties and creates the custody log (a no-op when it exists): read and write proven. */
export async function preflightContainer(d: BlobDestination, container: ContainerClient, custodyBlob: string): Promise<void> {
  let props;
  try {
    props = await container.getProperties();
  } catch (err) {
    throw describeBlobError(err, d, "cannot be reached");
  }
  if (wantsImmutability(d) && !props.isImmutableStorageWithVersioningEnabled) {
    throw new EvidenceError(
      "destination",
      `evidence ${d.text}: the container ${d.container} has no version-level immutability, so ${d.legalHold ? "a legal hold" : "a retention period"} cannot be set on each blob. ` +
        "Enable versioning and version-level immutability on the container (see examples/gitops), or drop legalHold/retentionDays. Nothing was collected",
    );
  }
  try {
    await container.getAppendBlobClient(blobName(d, custodyBlob)).createIfNotExists({ blobHTTPHeaders: { blobContentType: "application/x-ndjson" } });
  } catch (err) {
    throw describeBlobError(err, d, "cannot be written");
  }
}

/** An SDK error as an actionable message; never quotes a token (the SDK's messages carry none). */
export function describeBlobError(err: unknown, d: BlobDestination, what: string): EvidenceError {
  const status = err instanceof RestError ? err.statusCode : undefined;
  const code = err instanceof RestError ? err.code : (err as { code?: string })?.code;
  const where = `evidence ${d.text}: the container ${d.container} at ${d.endpoint} ${what}`;
  if (status === 404) return new EvidenceError("destination", `${where}: it does not exist (${code ?? 404}); create it first (see examples/gitops)`, { cause: err });
  if (status === 401 || status === 403) {
    return new EvidenceError("destination", `${where}: the identity is not allowed (${status} ${code ?? ""}); grant it Storage Blob Data Contributor on the container`.replace(" )", ")"), { cause: err });
  }
  if (status !== undefined) return new EvidenceError("destination", `${where}: HTTP ${status} ${code ?? ""}`.trimEnd(), { cause: err });
  const tls = /CERT|SELF_SIGNED|UNABLE_TO_VERIFY/.test(String(code ?? (err as Error)?.message));
  return new EvidenceError(
    "destination",
    tls ? `${where}: its TLS certificate is not trusted (${code}); add its CA to NODE_EXTRA_CA_CERTS` : `${where}: ${(err as Error)?.message ?? String(err)}${code ? ` (${code})` : ""}`,
    { cause: err },
  );
}

export const isBlobError = (err: unknown, status: number, code?: string) => err instanceof RestError && err.statusCode === status && (code === undefined || err.code === code);
