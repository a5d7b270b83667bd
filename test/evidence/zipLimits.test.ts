/**
 * The ZIP check runs on every download and on every `verify`, so a hostile archive must be
 * refused quickly, from its directory alone, before anything is inflated: overlapping entries
 * (one stream counted many times), declared sizes no evidence has, ratios no deflate stream can
 * reach, too many entries, and names that are not regular files (a FIFO or a symlink).
 */
import { execFileSync } from "node:child_process";
import { symlink, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { DEFAULT_ZIP_LIMITS, verifyZip } from "../../provider/evidence/verifyZip";
import { buildZip, tempDirEachTest } from "./helpers/fixtures";
import { declaredSizeBomb, overlappingBomb, ratioBomb } from "./helpers/zipBombs";

const GIB = 1024 ** 3;

describe("ZIP check limits", () => {
  const temp = tempDirEachTest("zip-limits");
  const file = async (name: string, bytes: Buffer) => {
    const p = join(temp.path, name);
    await writeFile(p, bytes);
    return p;
  };
  /** Rejects, and fast: a bomb must never be inflated to be found out. */
  async function refusedFast(path: string, why: RegExp) {
    const started = Date.now();
    await expect(verifyZip(path)).rejects.toThrow(why);
    expect(Date.now() - started).toBeLessThan(3_000);
  }

  it("refuses 2048 entries overlapping one stream (8 GiB declared in a small file), without inflating them", async () => {
    const bomb = overlappingBomb(2048, 4 * 1024 * 1024);
    expect(bomb.length).toBeLessThan(1024 * 1024);
    await refusedFast(await file("overlap.zip", bomb), /not a valid ZIP: entries f0\.bin and f1\.bin overlap/);
  }, 15_000);

  it("refuses an honest but extreme compression ratio (2 GiB of zeros in 2 MiB)", async () => {
    await refusedFast(await file("ratio.zip", ratioBomb(512, 4 * 1024 * 1024)), /not a valid ZIP: it declares 2\.0 GiB in [0-9.]+ MiB, a ratio of \d+:1 \(limit 200:1\)/);
  }, 15_000);

  it("refuses entries declaring 4 TiB in all", async () => {
    await refusedFast(await file("huge.zip", declaredSizeBomb(1024, 4 * GIB - 2)), /not a valid ZIP: entry f0\.bin declares 4\.0 GiB from \d+ compressed bytes, more than deflate can produce/);
  });

  it("refuses a declared total over the limit even at a plausible ratio", async () => {
    const zip = await file("big.zip", await buildZip(64 * 1024));
    await expect(verifyZip(zip, { ...DEFAULT_ZIP_LIMITS, maxTotalUncompressedBytes: 1000 })).rejects.toThrow(/not a valid ZIP: it declares [0-9.]+ KiB uncompressed, more than the limit of 1000 B/);
  });

  it("refuses more entries than the limit", async () => {
    const zip = await file("many.zip", await buildZip(1024));
    await expect(verifyZip(zip, { ...DEFAULT_ZIP_LIMITS, maxEntries: 2 })).rejects.toThrow(/not a valid ZIP: it has 3 entries, more than the limit of 2/);
  });

  it("keeps accepting a real package under the default limits", async () => {
    await expect(verifyZip(await file("ok.zip", await buildZip(256 * 1024)))).resolves.toMatchObject({ entries: 3 });
  });

  it("refuses a FIFO named as a package at once, instead of waiting for a writer", async () => {
    const fifo = join(temp.path, "pipe.zip");
    execFileSync("mkfifo", [fifo]);
    await refusedFast(fifo, /pipe\.zip is not a regular file/);
  });

  it("refuses a symlink named as a package, whatever it points at", async () => {
    const real = await file("real.bin", await buildZip(1024));
    const link = join(temp.path, "link.zip");
    await symlink(real, link);
    await refusedFast(link, /link\.zip is a symbolic link/);
    await symlink("/dev/zero", join(temp.path, "zero.zip"));
    await refusedFast(join(temp.path, "zero.zip"), /zero\.zip is a symbolic link/);
  });
});
