/**
 * Options are validated once, with the option's name in the message, and the API URL is reduced
 * to an origin so no path or query can reach a manifest. Progress lines keep their wording.
 */
import { createEvidenceHandler } from "../../provider/evidence/handler";
import { DEFAULT_EVIDENCE_OPTIONS, resolveEvidenceOptions } from "../../provider/evidence/options";
import { doneLine, formatRate, formatSize, retryLine } from "../../provider/evidence/progress";
import { packageVersion } from "../../provider/util/packageInfo";

const api = { getPackageUri: async () => "https://example.invalid/p.zip?token=x" };

describe("evidence options", () => {
  it("fills in the documented defaults, this package's name and version, and an origin-only API host", () => {
    const o = resolveEvidenceOptions({ api, apiOrigin: "https://eu.api.security.microsoft.com/api/v1.0?x=1" });
    expect(o).toMatchObject({ ...DEFAULT_EVIDENCE_OPTIONS, apiOrigin: "https://eu.api.security.microsoft.com", tenantId: null, toolName: "pulumi-mde-forensics" });
    expect(o.toolVersion).toBe(packageVersion());
    expect(DEFAULT_EVIDENCE_OPTIONS).toEqual({
      linkLifetimeMs: 600_000,
      maxDownloadAttempts: 5,
      maxLinkRequests: 3,
      retryBaseDelayMs: 2_000,
      retryMaxDelayMs: 30_000,
      headersTimeoutMs: 60_000,
      bodyTimeoutMs: 60_000,
    });
  });

  it.each([
    [{ maxLinkRequests: 0 }, /maxLinkRequests must be a positive integer, got 0/],
    [{ linkLifetimeMs: -1 }, /linkLifetimeMs must be a non-negative number, got -1/],
    [{ retryBaseDelayMs: Number.NaN }, /retryBaseDelayMs must be a non-negative number, got NaN/],
    [{ apiOrigin: "not a url" }, /apiOrigin must be the MDE API URL/],
  ])("rejects %j", (bad, message) => {
    expect(() => createEvidenceHandler({ api, apiOrigin: "https://api.security.microsoft.com", ...bad })).toThrow(message);
  });
});

describe("progress lines", () => {
  it("formats sizes and rates in binary units", () => {
    expect(formatSize(512)).toBe("512 B");
    expect(formatSize(1536)).toBe("1.5 KiB");
    expect(formatSize(12.3 * 1024 * 1024)).toBe("12.3 MiB");
    expect(formatRate(10 * 1024 * 1024, 1000)).toBe("10.0 MiB/s");
    expect(formatRate(10, 0)).toBe("n/a");
  });

  it("says size, time, rate, short hash, files and attempts when the download ends", () => {
    expect(doneLine("id", { sizeBytes: 12.3 * 1024 * 1024, transferMs: 1200, sha256: "ab12".repeat(16), entries: 14, attempts: 2 })).toBe(
      "package of collection id: 12.3 MiB in 1.2 s (10.3 MiB/s), sha256 ab12ab12ab12…, 14 files verified, 2 attempts",
    );
    expect(retryLine("id", { attempt: 3, reason: "the storage host answered HTTP 403", delayMs: 0, newLink: true })).toBe(
      "package of collection id: the storage host answered HTTP 403; attempt 3 with a new link in 0.0 s",
    );
  });
});
