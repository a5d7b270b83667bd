/**
 * The ZIP check is what stands between a damaged transfer and a final-named file, so it is tested
 * on its own against the damage it must catch: truncation, flipped bytes in stored and deflated
 * entries, an empty archive, an error page, and a missing file (a local problem, not a bad ZIP).
 */
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { ZipFile } from "yazl";
import { isEvidenceError } from "../../provider/evidence/errors";
import { verifyZip } from "../../provider/evidence/verifyZip";
import { buildZip, tempDirEachTest } from "./helpers/fixtures";

async function zipOf(entries: Array<{ name: string; data: Buffer; compress: boolean }>): Promise<Buffer> {
  const z = new ZipFile();
  const mtime = new Date(Date.UTC(2025, 0, 1));
  for (const e of entries) {
    if (e.name.endsWith("/")) z.addEmptyDirectory(e.name, { mtime });
    else z.addBuffer(e.data, e.name, { compress: e.compress, mtime });
  }
  z.end();
  const chunks: Buffer[] = [];
  for await (const c of z.outputStream as AsyncIterable<Buffer>) chunks.push(c);
  return Buffer.concat(chunks);
}

describe("verifyZip", () => {
  const temp = tempDirEachTest("verify");
  let n = 0;
  const file = async (bytes: Buffer | string) => {
    const p = join(temp.path, `f${n++}.zip`);
    await writeFile(p, bytes);
    return p;
  };

  it("counts files and uncompressed bytes of a valid package", async () => {
    const text = Buffer.from("line\n".repeat(1000));
    const bin = Buffer.alloc(5000, 7);
    const bytes = await zipOf([
      { name: "Processes/", data: Buffer.alloc(0), compress: false },
      { name: "Processes/Processes.csv", data: text, compress: true },
      { name: "bin.cab", data: bin, compress: false },
    ]);
    // Folder entries are not files: not counted.
    expect(await verifyZip(await file(bytes))).toEqual({ entries: 2, uncompressedBytes: text.length + bin.length });
  });

  it("rejects a file cut short (no central directory)", async () => {
    const bytes = await buildZip(10_000);
    const err = await verifyZip(await file(bytes.subarray(0, bytes.length - 40))).catch((e: Error) => e);
    expect(isEvidenceError(err, "transfer")).toBe(true);
    expect((err as Error).message).toMatch(/^the downloaded package is not a valid ZIP: its central directory cannot be read/);
  });

  it("rejects a stored entry whose bytes were flipped (CRC-32 mismatch)", async () => {
    const data = Buffer.alloc(4096, 1);
    const bytes = await zipOf([{ name: "a.bin", data, compress: false }]);
    const damaged = Buffer.from(bytes);
    damaged[30 + "a.bin".length + 100] ^= 0x01; // inside a.bin's data, after its local header
    await expect(verifyZip(await file(damaged))).rejects.toThrow(/entry a\.bin has CRC-32 [0-9a-f]{8}, the archive says [0-9a-f]{8}/);
    expect(await verifyZip(await file(bytes))).toEqual({ entries: 1, uncompressedBytes: 4096 });
  });

  it("rejects a deflated entry whose compressed bytes were damaged", async () => {
    const bytes = await zipOf([{ name: "log.txt", data: Buffer.from("event ".repeat(5000)), compress: true }]);
    const damaged = Buffer.from(bytes);
    for (let i = 40; i < 60; i++) damaged[i] ^= 0x5a;
    await expect(verifyZip(await file(damaged))).rejects.toThrow(/^the downloaded package is not a valid ZIP: entry log\.txt (cannot be read|has CRC-32)/);
  });

  it("rejects a deflated entry that inflates to more, or fewer, bytes than the directory declares", async () => {
    const data = Buffer.from("event ".repeat(5000));
    const bytes = await zipOf([{ name: "log.txt", data, compress: true }]);
    const declaring = (size: number) => {
      const edited = Buffer.from(bytes);
      const cd = edited.indexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02]));
      edited.writeUInt32LE(size, cd + 24); // the central directory's uncompressed size
      return edited;
    };
    expect(await verifyZip(await file(bytes))).toEqual({ entries: 1, uncompressedBytes: data.length });
    await expect(verifyZip(await file(declaring(data.length - 1)))).rejects.toThrow(/^the downloaded package is not a valid ZIP: entry log\.txt cannot be read/);
    await expect(verifyZip(await file(declaring(data.length + 1)))).rejects.toThrow(/^the downloaded package is not a valid ZIP: entry log\.txt cannot be read \(it inflates to 30000 bytes, the archive says 30001\)/);
  });

  it("rejects an archive without files", async () => {
    await expect(verifyZip(await file(await zipOf([])))).rejects.toThrow(/contains no files/);
  });

  it("rejects an error page served with status 200", async () => {
    await expect(verifyZip(await file("<html><body>Service unavailable</body></html>"))).rejects.toThrow(/not a valid ZIP/);
  });

  it("reports a missing file as a local problem, not as a bad download", async () => {
    const err = await verifyZip(join(temp.path, "nope.zip")).catch((e: Error) => e);
    expect(isEvidenceError(err, "write")).toBe(true);
    expect((err as Error).message).toMatch(/cannot read .*nope\.zip back to check it: .*ENOENT/);
  });
});
