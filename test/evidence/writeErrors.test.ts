/**
 * Local write failures: a full disk mid-stream, a folder that turns into a file or disappears
 * after the pre-flight, a folder path under a file. Each fails with a message naming the cause
 * and the fix, and leaves neither a final-named file nor a `.partial`. (Permission errors are
 * covered by the same code path; this suite runs as root, where chmod cannot provoke them.)
 */
import { lstat, open, readdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { ACTION_ID, buildZip, MACHINE_ID, succeededOutputs } from "./helpers/fixtures";
import { custodyLines, expectNoLinkLeak, harness, type Harness, rejection } from "./helpers/harness";

const FINAL = `${MACHINE_ID}-${ACTION_ID}.zip`;

describe("evidence handler: write errors", () => {
  let h: Harness;
  beforeEach(async () => {
    h = await harness();
    h.storage.packages.set(ACTION_ID, await buildZip(3 * 1024 * 1024));
    await h.handler.preflight(h.dir);
  });
  afterEach(() => h.close());

  const fetch = () => h.handler.fetch(succeededOutputs(h.dir), { adopted: false });

  it("fails on a full disk (ENOSPC) with a clear message, removes the .partial and keeps no final file", async () => {
    // /dev/full accepts the open and fails every write with ENOSPC: a real full disk, mid-stream.
    // Partial files are created exclusively, so the device is handed in where the file is opened.
    const full = h.another({ openPartial: () => open("/dev/full", "w") });
    const err = await rejection(h, full.fetch(succeededOutputs(h.dir), { adopted: false }));

    expect(err.message).toMatch(/cannot write .*\.zip\.[A-Za-z0-9-]+\.\d+-[0-9a-f]+\.partial: the disk is full \(ENOSPC\); free space or choose another evidenceDirectory/);
    expect(await readdir(h.dir)).toEqual(["custody.jsonl"]);
    expect(h.api.calls).toHaveLength(1);
    expect(h.storage.requests).toHaveLength(1); // not retried: retrying cannot free space
    expect((await custodyLines(h.dir)).at(-1)).toMatchObject({ event: "failed", details: { error: err.message } });
    expect((await stat("/dev/full")).isCharacterDevice()).toBe(true);
    await expectNoLinkLeak(h);
  });

  it("fails clearly when the folder was replaced by a file after the pre-flight (ENOTDIR)", async () => {
    const real = h.api.getPackageUri.bind(h.api);
    h.api.getPackageUri = async (id) => {
      const link = await real(id);
      await rm(h.dir, { recursive: true });
      await writeFile(h.dir, "not a folder");
      return link;
    };
    const err = await rejection(h, fetch());

    expect(err.message).toMatch(/cannot create .*\.zip\.[A-Za-z0-9-]+\.\d+-[0-9a-f]+\.partial: a part of the path is a file, not a folder \(ENOTDIR\)/);
    expect((await lstat(h.dir)).isFile()).toBe(true);
    expect(await readFile(h.dir, "utf8")).toBe("not a folder");
    expect(h.storage.requests).toHaveLength(0);
    await expectNoLinkLeak(h);
  });

  it("fails clearly when the folder disappears between the download and its check, leaving nothing behind", async () => {
    h.storage.onRequest = async () => {
      // The .partial is open already: the bytes go to an unlinked file, the rename cannot happen.
      await rm(h.dir, { recursive: true });
    };
    const err = await rejection(h, fetch());
    expect(err.message).toMatch(/cannot read .*\.zip\.[A-Za-z0-9-]+\.\d+-[0-9a-f]+\.partial back to check it: a folder on the path does not exist \(ENOENT\); was it removed/);
    expect(h.storage.requests).toHaveLength(1); // a local problem: not retried
    expect(await readdir(h.dir).catch((e: NodeJS.ErrnoException) => e.code)).toBe("ENOENT");
  });

  it("refuses a folder under a file before asking MDE for a link", async () => {
    const file = join(h.dir, "a-file");
    await writeFile(file, "x");
    const err = await rejection(h, h.handler.fetch(succeededOutputs(join(file, "evidence")), { adopted: false }));
    expect(err.message).toMatch(/evidenceDirectory .*a-file\/evidence cannot be created: a part of the path is a file, not a folder \(ENOTDIR\)/);
    expect(h.api.calls).toHaveLength(0);
  });
});
