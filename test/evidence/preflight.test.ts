/**
 * The pre-flight runs before any collection is requested: it creates the folder, proves it is a
 * writable folder, leaves nothing behind, and otherwise says exactly what to fix.
 */
import { readdir, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { preflightDirectory, type PreflightFs } from "../../provider/evidence/preflight";
import { isEvidenceError } from "../../provider/evidence/errors";
import { tempDirEachTest } from "./helpers/fixtures";
import { harness } from "./helpers/harness";

describe("preflightDirectory", () => {
  const temp = tempDirEachTest("preflight");

  it("creates missing parents (mode 0700) and returns the absolute path, leaving the folder empty", async () => {
    const dir = join(temp.path, "a", "b", "c");
    expect(await preflightDirectory(dir)).toBe(dir);
    expect((await stat(dir)).isDirectory()).toBe(true);
    expect((await stat(dir)).mode & 0o777).toBe(0o700);
    expect(await readdir(dir)).toEqual([]);
  });

  it("accepts an existing folder and does not disturb what is in it", async () => {
    await writeFile(join(temp.path, "earlier.zip"), "x");
    await preflightDirectory(temp.path);
    expect(await readdir(temp.path)).toEqual(["earlier.zip"]);
  });

  it("rejects a file where the folder should be", async () => {
    const file = join(temp.path, "evidence");
    await writeFile(file, "x");
    const err = await preflightDirectory(file).catch((e: Error) => e);
    expect(isEvidenceError(err, "directory")).toBe(true);
    expect((err as Error).message).toBe(`evidenceDirectory ${file} is not a folder; point it at a folder or remove the file`);
  });

  it("rejects a folder that would have to be created under a file", async () => {
    const file = join(temp.path, "case.txt");
    await writeFile(file, "x");
    await expect(preflightDirectory(join(file, "evidence"))).rejects.toThrow(
      `evidenceDirectory ${join(file, "evidence")} cannot be created: a part of the path is a file, not a folder (ENOTDIR); fix evidenceDirectory`,
    );
  });

  it("rejects an empty setting", async () => {
    await expect(preflightDirectory("  ")).rejects.toThrow("evidenceDirectory is empty");
  });

  it("rejects a folder that cannot take a new file, even for root", async () => {
    // /proc is a folder in which no one, root included, can create a file: a stand-in for a
    // read-only mount, since chmod does not stop root.
    await expect(preflightDirectory("/proc")).rejects.toThrow(/evidenceDirectory \/proc is not writable: /);
  });

  it("is what the handler's preflight runs", async () => {
    const h = await harness();
    try {
      const file = join(temp.path, "f");
      await writeFile(file, "x");
      await expect(h.handler.preflight(file)).rejects.toThrow(/is not a folder/);
      await h.handler.preflight(h.dir);
      expect((await stat(h.dir)).isDirectory()).toBe(true);
    } finally {
      await h.close();
    }
  });

  it("ends, naming the problem, where a file system takes no new folder (/proc), and gives up on a path that never answers", async () => {
    // Node's own recursive mkdir loops forever here; the check must end at once.
    await expect(preflightDirectory("/proc/mde-forensics-evidence")).rejects.toThrow(
      "evidenceDirectory /proc/mde-forensics-evidence cannot be created: the file system refused to create /proc/mde-forensics-evidence in /proc, which exists (ENOENT): a special file system such as /proc?",
    );
    const never = new Promise<never>(() => undefined);
    const hung = { mkdir: () => never, stat: () => never, open: () => never, unlink: () => never } as unknown as PreflightFs;
    await expect(preflightDirectory("/mnt/hung/evidence", { fs: hung, timeoutMs: 20 })).rejects.toThrow(
      "evidenceDirectory /mnt/hung/evidence did not answer within 20 ms (creating, reading or writing a probe file never finished): is it on a hung network mount",
    );
  });
});
