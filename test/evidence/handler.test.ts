/**
 * The happy path, end to end over loopback HTTP: one GetPackageUri call, the package on disk with
 * the right hash, size and mode, its manifest and custody lines, two progress lines, no leak.
 */
import { readdir, readFile, stat } from "node:fs/promises";
import { join } from "node:path";
import { MANIFEST_SCHEMA } from "../../provider/evidence/manifest";
import { systemClock } from "../../provider/util/clock";
import { ACTION_ID, buildZip, MACHINE_ID, sha256, succeededOutputs } from "./helpers/fixtures";
import { API_ORIGIN, custodyLines, expectNoLinkLeak, harness, type Harness, rejection, servePackageEachTest, TENANT_ID } from "./helpers/harness";

const FILE = `${MACHINE_ID}-${ACTION_ID}`;

describe("evidence handler: fetch", () => {
  let h: Harness;
  let zip: Buffer;
  servePackageEachTest(200 * 1024, async (made, built) => {
    [h, zip] = [made, built];
    await h.handler.preflight(h.dir);
  });

  it("stores the package under its final name with the right hash, size and mode 0600, after one GetPackageUri call", async () => {
    const out = await h.handler.fetch(succeededOutputs(h.dir), { adopted: false });

    expect(out).toEqual({
      packagePath: join(h.dir, `${FILE}.zip`),
      packageSha256: sha256(zip),
      packageSizeBytes: zip.length,
      manifestPath: join(h.dir, `${FILE}.json`),
    });
    expect(sha256(await readFile(out.packagePath))).toBe(sha256(zip));
    expect((await stat(out.packagePath)).mode & 0o777).toBe(0o600);
    expect(h.api.calls).toHaveLength(1);
    expect(h.storage.requests).toHaveLength(1);
    expect((await readdir(h.dir)).sort()).toEqual([`${FILE}.json`, `${FILE}.zip`, "custody.jsonl"]);
    await expectNoLinkLeak(h);
  });

  it("writes a manifest with the action, the request, the API origin, tenant, hash and times, and never the link", async () => {
    h.clock.advance(0);
    const out = await h.handler.fetch(succeededOutputs(h.dir, { adopted: false }), { adopted: true });
    const manifest = JSON.parse(await readFile(out.manifestPath, "utf8"));
    const at = new Date(h.clock.now()).toISOString();

    expect(manifest).toEqual({
      schema: MANIFEST_SCHEMA,
      actionId: ACTION_ID,
      machineId: MACHINE_ID,
      computerDnsName: "ws-0042.contoso.local",
      requestor: "3f2c1a0e-5b6d-4c7e-8f90-a1b2c3d4e5f6",
      requestorComment: "IR-1234 suspicious lateral movement",
      creationDateTimeUtc: "2026-01-01T00:00:00.000Z",
      completionDateTimeUtc: "2026-01-01T00:04:30.123Z",
      adopted: true,
      apiOrigin: API_ORIGIN,
      tenantId: TENANT_ID,
      fileName: `${FILE}.zip`,
      sizeBytes: zip.length,
      sha256: sha256(zip),
      downloadStartedUtc: at,
      downloadEndedUtc: at,
      verification: { method: "zip-central-directory+crc32", entries: 3, uncompressedBytes: expect.any(Number), verifiedUtc: at },
      tool: { name: "pulumi-mde-forensics", version: "9.9.9-test" },
      operator: "analyst@forensics-ws",
      signature: { status: "unsigned" },
    });
    expect((await stat(out.manifestPath)).mode & 0o777).toBe(0o600);
    expect(manifest.verification.uncompressedBytes).toBeGreaterThan(200 * 1024);
    await expectNoLinkLeak(h);
  });

  it("appends succeeded, downloaded and verified custody lines with ids, hash and size", async () => {
    await h.handler.record(h.dir, "requested", succeededOutputs(h.dir, { status: "Pending", lastUpdateDateTimeUtc: null }));
    await h.handler.fetch(succeededOutputs(h.dir), { adopted: false });
    const lines = await custodyLines(h.dir);

    expect(lines.map((l) => l.event)).toEqual(["requested", "succeeded", "downloaded", "verified", "claimed"]);
    for (const l of lines) {
      expect(l).toMatchObject({ actionId: ACTION_ID, machineId: MACHINE_ID, operator: "analyst@forensics-ws", tool: "pulumi-mde-forensics@9.9.9-test" });
      expect(new Date(l.timestamp).toISOString()).toBe(l.timestamp);
    }
    expect(lines[0].details).toMatchObject({ status: "Pending", requestor: "3f2c1a0e-5b6d-4c7e-8f90-a1b2c3d4e5f6", creationDateTimeUtc: "2026-01-01T00:00:00.000Z" });
    expect(lines[1].details).toMatchObject({ status: "Succeeded", lastUpdateDateTimeUtc: "2026-01-01T00:04:30.123Z" });
    expect(lines[2].details).toMatchObject({ fileName: `${FILE}.zip`, sizeBytes: zip.length, sha256: sha256(zip), attempts: 1, linkRequests: 1 });
    expect(lines[3].details).toMatchObject({ sha256: sha256(zip), entries: 3 });
    expect(lines[4].details).toMatchObject({ fileName: `${FILE}.zip`, sha256: sha256(zip), sizeBytes: zip.length, comment: expect.any(String), sharedFetch: false });
  });

  it("logs one line when the download starts and one when it ends, with size, rate and hash", async () => {
    await h.handler.fetch(succeededOutputs(h.dir), { adopted: false });

    expect(h.logs).toEqual([
      `package of collection ${ACTION_ID}: downloading to ${join(h.dir, `${FILE}.zip`)}`,
      `package of collection ${ACTION_ID}: ${(zip.length / 1024).toFixed(1)} KiB in 0.0 s (n/a), sha256 ${sha256(zip).slice(0, 12)}…, 3 files verified`,
    ]);
  });

  it("accepts a link wrapped in literal quotes, as in Microsoft's example", async () => {
    const quoted = await harness({}, (link) => `"${link}"`);
    try {
      quoted.storage.packages.set(ACTION_ID, zip);
      const out = await quoted.handler.fetch(succeededOutputs(quoted.dir), { adopted: false });
      expect(out.packageSha256).toBe(sha256(zip));
      await expectNoLinkLeak(quoted);
    } finally {
      await quoted.close();
    }
  });

  it("refuses a plain-http link to a host other than this machine, without downloading", async () => {
    const remote = await harness({}, (link) => link.replace("127.0.0.1", "storage.example.com"));
    try {
      const err = await rejection(remote, remote.handler.fetch(succeededOutputs(remote.dir), { adopted: false }));
      expect(err.message).toMatch(/only https links are used/);
      expect(remote.storage.requests).toHaveLength(0);
      await expectNoLinkLeak(remote);
    } finally {
      await remote.close();
    }
  });

  it("never calls GetPackageUri for a collection that has not Succeeded", async () => {
    for (const status of ["Pending", "InProgress", "Failed", "TimeOut", "Cancelled"] as const) {
      const err = await h.handler.fetch(succeededOutputs(h.dir, { status }), { adopted: false }).catch((e: Error) => e);
      expect((err as Error).message).toMatch(new RegExp(`is ${status}; its package is fetched only after it Succeeded`));
    }
    expect(h.api.calls).toHaveLength(0);
  });

  it("measures a 50 MiB package: hash right, throughput and verify time in the end line", async () => {
    const big = await harness({ clock: systemClock });
    try {
      const bytes = await buildZip(50 * 1024 * 1024);
      big.storage.packages.set(ACTION_ID, bytes);
      const started = performance.now();
      const out = await big.handler.fetch(succeededOutputs(big.dir), { adopted: false });
      const totalMs = performance.now() - started;
      expect(out.packageSha256).toBe(sha256(bytes));
      expect(out.packageSizeBytes).toBe(bytes.length);
      const manifest = JSON.parse(await readFile(out.manifestPath, "utf8"));
      const verifyMs = Date.parse(manifest.verification.verifiedUtc) - Date.parse(manifest.downloadEndedUtc);
      // Reported so the numbers can be quoted; the assertions above are what the test checks.
      process.stdout.write(`[evidence bench] ${big.logs[1]}; verify ${verifyMs} ms; fetch total ${totalMs.toFixed(0)} ms\n`);
      expect(big.logs[1]).toMatch(/50\.0 MiB in \d+\.\d s \(\d+(\.\d)? (MiB|KiB)\/s\)/);
    } finally {
      await big.close();
    }
  });
});
