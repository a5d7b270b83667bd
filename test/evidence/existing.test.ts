/**
 * A final-named file is never overwritten. If it holds the same package (by SHA-256) it is kept
 * and reported; if not, the fetch fails naming both hashes and the file is left exactly as it was.
 */
import { createHash } from "node:crypto";
import { readdir, readFile, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { ACTION_ID, buildZip, MACHINE_ID, succeededOutputs } from "./helpers/fixtures";
import { custodyLines, expectNoLinkLeak, harness, type Harness, rejection } from "./helpers/harness";

const sha256 = (b: Buffer) => createHash("sha256").update(b).digest("hex");
const BASE = `${MACHINE_ID}-${ACTION_ID}`;

describe("evidence handler: an existing final file", () => {
  let h: Harness;
  let zip: Buffer;
  let finalPath: string;
  beforeEach(async () => {
    h = await harness();
    zip = await buildZip(128 * 1024);
    h.storage.packages.set(ACTION_ID, zip);
    await h.handler.preflight(h.dir);
    finalPath = join(h.dir, `${BASE}.zip`);
  });
  afterEach(() => h.close());

  const fetch = () => h.handler.fetch(succeededOutputs(h.dir), { adopted: false });

  it("with its manifest and the same hash: reused without any GetPackageUri call or download", async () => {
    const first = await fetch();
    const before = await stat(finalPath);
    const again = await h.another().fetch(succeededOutputs(h.dir), { adopted: false });

    expect(again).toEqual(first);
    expect(h.api.calls).toHaveLength(1);
    expect(h.storage.requests).toHaveLength(1);
    expect((await stat(finalPath)).mtimeMs).toBe(before.mtimeMs);
    expect((await custodyLines(h.dir)).at(-2)).toMatchObject({ event: "reused", details: { sha256: sha256(zip), sizeBytes: zip.length, verifiedBy: "manifest" } });
    expect(h.logs.at(-1)).toMatch(/already kept in .* \(sha256 [0-9a-f]{12}…\), not downloaded again/);
  });

  it("with its manifest but other bytes: fails naming both hashes, touches nothing, calls nothing", async () => {
    await fetch();
    const tampered = Buffer.concat([zip, Buffer.from("appended later")]);
    await writeFile(finalPath, tampered);
    const err = await rejection(h, h.another().fetch(succeededOutputs(h.dir), { adopted: false }));

    expect(err.message).toContain(`already exists with SHA-256 ${sha256(tampered)}`);
    expect(err.message).toContain(`recorded SHA-256 ${sha256(zip)}`);
    expect(err.message).toMatch(/left untouched; move it aside/);
    expect((await readFile(finalPath)).equals(tampered)).toBe(true);
    expect(h.api.calls).toHaveLength(1);
    expect((await custodyLines(h.dir)).at(-1)).toMatchObject({ event: "failed" });
  });

  it("without a manifest and with the same bytes: downloads once to compare, keeps the file, writes the manifest", async () => {
    await writeFile(finalPath, zip, { mode: 0o600 });
    await writeFile(join(h.dir, `${BASE}.json`), "{ not json"); // a damaged manifest counts as none
    const before = await stat(finalPath);
    const out = await fetch();

    expect(out.packageSha256).toBe(sha256(zip));
    expect(h.api.calls).toHaveLength(1);
    expect((await stat(finalPath)).ino).toBe(before.ino);
    expect(JSON.parse(await readFile(out.manifestPath, "utf8"))).toMatchObject({ sha256: sha256(zip), actionId: ACTION_ID });
    expect((await custodyLines(h.dir)).map((l) => l.event)).toEqual(["succeeded", "downloaded", "verified", "reused", "claimed"]);
    expect((await readdir(h.dir)).filter((n) => n.endsWith(".partial"))).toEqual([]);
    await expectNoLinkLeak(h);
  });

  it("without a manifest and with other bytes: fails naming both hashes and leaves the file as it was", async () => {
    const other = await buildZip(1024, "another package");
    await writeFile(finalPath, other);
    const err = await rejection(h, fetch());

    expect(err.message).toContain(`already exists with SHA-256 ${sha256(other)}, but MDE's package has SHA-256 ${sha256(zip)}`);
    expect((await readFile(finalPath)).equals(other)).toBe(true);
    expect((await readdir(h.dir)).sort()).toEqual([`${BASE}.zip`, "custody.jsonl"]);
    await expectNoLinkLeak(h);
  });
});
