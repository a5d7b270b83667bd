/**
 * Links planted in an evidence folder are refused with a clear error and never followed: a
 * package name that links to a file outside the folder (with a manifest recording that file's
 * hash, so an unwary writer would report it as "already kept"), an envelope or manifest name
 * that links elsewhere, and an evidence folder that is itself a link.
 */
import { createHash } from "node:crypto";
import { mkdir, readdir, readFile, symlink, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { ACTION_ID, MACHINE_ID, succeededOutputs } from "./helpers/fixtures";
import { type Harness, rejection, servePackageEachTest } from "./helpers/harness";

const BASE = `${MACHINE_ID}-${ACTION_ID}`;

describe("evidence handler: planted symlinks", () => {
  let h: Harness;
  servePackageEachTest(64 * 1024, async (made) => {
    h = made;
    await h.handler.preflight(h.dir);
  });

  it("refuses a package name that is a link to a file outside the folder, even with a manifest that vouches for it", async () => {
    const outside = join(h.dir, "..", "outside.bin");
    await writeFile(outside, "not evidence");
    await symlink(outside, join(h.dir, `${BASE}.zip`));
    const sha = createHash("sha256").update("not evidence").digest("hex");
    await writeFile(join(h.dir, `${BASE}.json`), JSON.stringify({ schema: "pulumi-mde-forensics/investigation-package-manifest/v1", actionId: ACTION_ID, machineId: MACHINE_ID, sha256: sha, sizeBytes: 12 }));
    const err = await rejection(h, h.handler.fetch(succeededOutputs(h.dir), { adopted: false }));
    expect(err.message).toMatch(new RegExp(`${BASE}\\.zip is a symbolic link; evidence is never read or written through a link`));
    expect(await readFile(outside, "utf8")).toBe("not evidence");
    expect(h.api.calls).toHaveLength(0);
  });

  it("refuses a manifest name planted as a link (it would be replaced, or read, through it)", async () => {
    await writeFile(join(h.dir, "..", "elsewhere.json"), "{}");
    await symlink(join(h.dir, "..", "elsewhere.json"), join(h.dir, `${BASE}.json`));
    const err = await rejection(h, h.handler.fetch(succeededOutputs(h.dir), { adopted: false }));
    expect(err.message).toMatch(new RegExp(`${BASE}\\.json is a symbolic link`));
  });

  it("refuses an evidence folder that is a link, at pre-flight and when keeping", async () => {
    const real = join(h.dir, "..", "real-folder");
    await mkdir(real);
    const linked = join(h.dir, "..", "linked-folder");
    await symlink(real, linked);
    await expect(h.handler.preflight(linked)).rejects.toThrow(/the evidence folder .*linked-folder is a symbolic link/);
    const err = await rejection(h, h.handler.fetch(succeededOutputs(linked), { adopted: false }));
    expect(err.message).toMatch(/the evidence folder .*linked-folder is a symbolic link/);
    expect(await readdir(real)).toEqual([]);
  });
});
