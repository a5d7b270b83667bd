/**
 * Faults between GetPackageUri and a verified file: dropped and short transfers are retried with
 * the same link (backoff in virtual time); refused or aged links are replaced with a new
 * GetPackageUri call; both are bounded; a 404 from GetPackageUri is an error, never polled.
 * After a failure there is no final-named file, no `.partial`, and no link anywhere.
 */
import { createHash } from "node:crypto";
import { readdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { ACTION_ID, buildZip, MACHINE_ID, succeededOutputs } from "./helpers/fixtures";
import { custodyLines, expectNoLinkLeak, harness, type Harness, rejection } from "./helpers/harness";

const sha256 = (b: Buffer) => createHash("sha256").update(b).digest("hex");
const FINAL = `${MACHINE_ID}-${ACTION_ID}.zip`;

describe("evidence handler: faults", () => {
  let h: Harness;
  let zip: Buffer;
  beforeEach(async () => {
    h = await harness();
    zip = await buildZip(256 * 1024);
    h.storage.packages.set(ACTION_ID, zip);
  });
  afterEach(() => h.close());

  const fetch = () => h.handler.fetch(succeededOutputs(h.dir), { adopted: false });
  const tokensUsed = () => h.storage.requests.map((r) => r.token);

  async function expectNothingKept(): Promise<void> {
    const names = await readdir(h.dir);
    expect(names).not.toContain(FINAL);
    expect(names.filter((n) => n.endsWith(".partial"))).toEqual([]);
  }

  it("retries a transfer cut short (fewer bytes than Content-Length) with the same link, after a backoff", async () => {
    h.storage.script.push("truncate");
    const out = await fetch();
    expect(out.packageSha256).toBe(sha256(zip));
    expect(h.api.calls).toHaveLength(1);
    expect(tokensUsed()).toHaveLength(2);
    expect(tokensUsed()[1]).toBe(tokensUsed()[0]);
    expect(h.clock.sleeps).toEqual([2_000]);
    expect(h.logs[1]).toMatch(/attempt 2 with the same link in 2\.0 s/);
    expect((await custodyLines(h.dir)).find((l) => l.event === "downloaded")!.details).toMatchObject({ attempts: 2, linkRequests: 1 });
    await expectNoLinkLeak(h);
  });

  it("retries a connection reset with the same link, backing off exponentially", async () => {
    h.storage.script.push("reset", "reset", "unavailable");
    const out = await fetch();
    expect(out.packageSha256).toBe(sha256(zip));
    expect(h.api.calls).toHaveLength(1);
    expect(new Set(tokensUsed()).size).toBe(1);
    expect(tokensUsed()).toHaveLength(4);
    expect(h.clock.sleeps).toEqual([2_000, 4_000, 8_000]);
    await expectNoLinkLeak(h);
  });

  it("retries a chunked transfer that ends early: only the ZIP check can tell, and it does", async () => {
    h.storage.script.push("truncateChunked");
    const out = await fetch();
    expect(out.packageSha256).toBe(sha256(zip));
    expect(tokensUsed()).toHaveLength(2);
    expect(h.logs.join("\n")).toMatch(/not a valid ZIP/);
  });

  it("retries bytes damaged in transit (CRC mismatch at the right length)", async () => {
    h.storage.script.push("corrupt");
    const out = await fetch();
    expect(out.packageSha256).toBe(sha256(zip));
    expect(tokensUsed()).toHaveLength(2);
  });

  it.each(["expired", "notFound"] as const)("asks GetPackageUri again when the storage host answers %s", async (behaviour) => {
    h.storage.script.push(behaviour);
    const out = await fetch();
    expect(out.packageSha256).toBe(sha256(zip));
    expect(h.api.calls).toHaveLength(2);
    expect(tokensUsed()).toHaveLength(2);
    expect(tokensUsed()[1]).not.toBe(tokensUsed()[0]);
    expect(h.clock.sleeps).toEqual([]); // the client's limiter paces GetPackageUri, not this module
    expect(h.logs[1]).toMatch(/HTTP (403|404); attempt 2 with a new link/);
    await expectNoLinkLeak(h);
  });

  it("does not use a link older than its lifetime: a retry after it aged asks for a new one", async () => {
    h.storage.script.push("truncate");
    h.storage.onRequest = (r) => {
      if (h.storage.requests.length === 1) h.clock.advance(10 * 60_000 - 1_000); // the first attempt took ~10 minutes
      void r;
    };
    const out = await fetch();
    expect(out.packageSha256).toBe(sha256(zip));
    expect(h.api.calls).toHaveLength(2);
    expect(tokensUsed()[1]).not.toBe(tokensUsed()[0]);
    expect(h.logs[1]).toMatch(/attempt 2 with a new link in 2\.0 s/);
  });

  it("honours a shorter linkLifetimeMs option", async () => {
    const short = await harness({ linkLifetimeMs: 1_500 });
    try {
      short.storage.packages.set(ACTION_ID, zip);
      short.storage.script.push("reset");
      await short.handler.fetch(succeededOutputs(short.dir), { adopted: false });
      expect(short.api.calls).toHaveLength(2); // the 2 s backoff outlived the 1.5 s link
    } finally {
      await short.close();
    }
  });

  it("gives up after maxLinkRequests refused links, with a clear error, no file and a failed custody line", async () => {
    h.storage.script.push("expired", "expired", "expired", "expired", "expired");
    const err = await rejection(h, fetch());
    expect(err.message).toMatch(/the download link expired or was refused 3 time\(s\) \(last: the storage host answered HTTP 403\); gave up to spare the GetPackageUri quota/);
    expect(h.api.calls).toHaveLength(3);
    await expectNothingKept();
    const failed = (await custodyLines(h.dir)).at(-1)!;
    expect(failed).toMatchObject({ event: "failed", actionId: ACTION_ID, details: { stage: "evidence", error: err.message } });
    await expectNoLinkLeak(h);
  });

  it("gives up after maxDownloadAttempts broken transfers and says what the last one was", async () => {
    h.storage.script.push(...Array(10).fill("truncate"));
    const err = await rejection(h, fetch());
    expect(err.message).toMatch(/could not be downloaded in 5 attempts; the last one failed: .*(broke off|ended after)/);
    expect(h.clock.sleeps).toEqual([2_000, 4_000, 8_000, 16_000]);
    expect(h.api.calls).toHaveLength(1);
    await expectNothingKept();
    await expectNoLinkLeak(h);
  });

  it("caps the backoff at retryMaxDelayMs", async () => {
    const capped = await harness({ retryBaseDelayMs: 1_000, retryMaxDelayMs: 3_000, maxDownloadAttempts: 4 });
    try {
      capped.storage.packages.set(ACTION_ID, zip);
      capped.storage.script.push("reset", "reset", "reset");
      await capped.handler.fetch(succeededOutputs(capped.dir), { adopted: false });
      expect(capped.clock.sleeps).toEqual([1_000, 2_000, 3_000]);
    } finally {
      await capped.close();
    }
  });

  it("treats a 404 from GetPackageUri as 'not complete': an error, one call, no download", async () => {
    h.api.notReady.add(ACTION_ID);
    const err = await rejection(h, fetch());
    expect(err.message).toMatch(/404 to GetPackageUri for action .*: the action is not complete/);
    expect(h.api.calls).toHaveLength(1);
    expect(h.storage.requests).toHaveLength(0);
    expect(h.clock.sleeps).toEqual([]);
    await expectNothingKept();
  });

  it("does not retry an answer no retry can fix (HTTP 400) and keeps nothing", async () => {
    h.storage.script.push("badRequest");
    const err = await rejection(h, fetch());
    expect(err.message).toMatch(/the storage host answered HTTP 400/);
    expect(h.api.calls).toHaveLength(1);
    expect(h.storage.requests).toHaveLength(1);
    await expectNothingKept();
  });

  it("says what the storage host answered when it keeps refusing links", async () => {
    h.storage.script.push("notFound", "notFound", "notFound");
    const err = await rejection(h, fetch());
    expect(err.message).toMatch(/refused 3 time\(s\).*last: the storage host answered HTTP 404/);
  });

  it("never writes into, nor promotes, a .partial another (or a crashed) writer left: each writer creates its own", async () => {
    await h.handler.preflight(h.dir);
    const stale = `.${FINAL}.4242-deadbeef.partial`;
    await writeFile(join(h.dir, stale), "garbage from a crash");
    const out = await fetch();
    expect((await readFile(out.packagePath)).equals(zip)).toBe(true);
    expect(await readFile(join(h.dir, stale), "utf8")).toBe("garbage from a crash");
    expect((await readdir(h.dir)).filter((n) => n.endsWith(".partial"))).toEqual([stale]);
  });
});
