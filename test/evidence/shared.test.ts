/**
 * Resources that share one MDE collection (two resources on one device) share its package: one
 * GetPackageUri call, one download, one verification, the same path and hash for each, and one
 * `claimed` custody line per resource. Partial files have one writer each.
 */
import { createHash } from "node:crypto";
import { readdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { openPartial } from "../../provider/evidence/download";
import { ACTION_ID, buildZip, MACHINE_ID, succeededOutputs } from "./helpers/fixtures";
import { custodyLines, expectNoLinkLeak, harness, type Harness, rejection } from "./helpers/harness";

const sha256 = (b: Buffer) => createHash("sha256").update(b).digest("hex");
const FINAL = `${MACHINE_ID}-${ACTION_ID}.zip`;

describe("evidence handler: a collection shared by several resources", () => {
  let h: Harness;
  let zip: Buffer;
  beforeEach(async () => {
    h = await harness();
    zip = await buildZip(1024 * 1024);
    h.storage.packages.set(ACTION_ID, zip);
    // The first link is issued only once both resources have reached the queue (their
    // `succeeded` lines are written just before), so the second one always finds the first's job.
    const real = h.api.getPackageUri.bind(h.api);
    h.api.getPackageUri = async (id) => {
      await until(async () => (await succeededLines()) >= 2);
      return real(id);
    };
  });
  afterEach(() => h.close());

  async function succeededLines(): Promise<number> {
    const all = [h.dir, join(h.dir, "..", "second-folder")];
    let n = 0;
    for (const d of all) n += (await readFile(join(d, "custody.jsonl"), "utf8").catch(() => "")).split("\n").filter((l) => l.includes('"event":"succeeded"')).length;
    return n;
  }

  it("fetches once for two resources in one folder: same path and hash, a claim line for each", async () => {
    const [a, b] = await Promise.all([
      h.handler.fetch(succeededOutputs(h.dir, { comment: "INC-7: first" }), { adopted: false }),
      h.another().fetch(succeededOutputs(h.dir, { comment: "INC-7: second", triggers: { round: "2" } }), { adopted: true }),
    ]);

    expect(h.api.calls).toHaveLength(1);
    expect(h.storage.requests).toHaveLength(1);
    expect(b).toEqual(a);
    expect(a.packageSha256).toBe(sha256(zip));
    expect((await readdir(h.dir)).sort()).toEqual([`${MACHINE_ID}-${ACTION_ID}.json`, FINAL, "custody.jsonl"]);
    const lines = await custodyLines(h.dir);
    expect(lines.filter((l) => l.event === "downloaded")).toHaveLength(1);
    expect(lines.filter((l) => l.event === "verified")).toHaveLength(1);
    const claims = lines.filter((l) => l.event === "claimed");
    expect(claims.map((l) => l.details.comment).sort()).toEqual(["INC-7: first", "INC-7: second"]);
    expect(claims.map((l) => l.details.sha256)).toEqual([sha256(zip), sha256(zip)]);
    expect(claims.map((l) => l.details.sharedFetch).sort()).toEqual([false, true]);
    await expectNoLinkLeak(h);
  });

  it("copies, not downloads again, for a resource that keeps the same collection in another folder", async () => {
    const other = join(h.dir, "..", "second-folder");
    const [a, b] = await Promise.all([
      h.handler.fetch(succeededOutputs(h.dir), { adopted: false }),
      h.another().fetch(succeededOutputs(other), { adopted: false }),
    ]);

    expect(h.api.calls).toHaveLength(1);
    expect(h.storage.requests).toHaveLength(1);
    expect(b.packagePath).toBe(join(other, FINAL));
    expect(b.packageSha256).toBe(a.packageSha256);
    expect((await readFile(b.packagePath)).equals(zip)).toBe(true);
    // Whichever reached the queue first downloaded; the other copied from it.
    const verified = [...(await custodyLines(h.dir)), ...(await custodyLines(other))].filter((l) => l.event === "verified");
    expect(verified.map((l) => l.details.sha256)).toEqual([sha256(zip), sha256(zip)]);
    expect(verified.map((l) => l.details.copiedFrom).sort()).toEqual([null, expect.stringMatching(/\.zip$/)].sort());
  });

  it("copies from the folder a resource of this run already filled, also after that fetch ended", async () => {
    await h.handler.record(h.dir, "succeeded", succeededOutputs(h.dir)); // opens the gate for the lone first fetch
    const a = await h.handler.fetch(succeededOutputs(h.dir), { adopted: false });
    const other = join(h.dir, "..", "second-folder");
    const b = await h.handler.fetch(succeededOutputs(other), { adopted: false });
    expect(h.api.calls).toHaveLength(1);
    expect(b.packageSha256).toBe(a.packageSha256);
    expect((await custodyLines(other)).find((l) => l.event === "verified")?.details).toMatchObject({ copiedFrom: a.packagePath });
  });

  it("fails both resources, and keeps nothing, when the one shared download fails", async () => {
    h.storage.script.push("notFound", "notFound", "notFound");
    const [ea, eb] = await Promise.all([
      rejection(h, h.handler.fetch(succeededOutputs(h.dir), { adopted: false })),
      rejection(h, h.another().fetch(succeededOutputs(h.dir), { adopted: false })),
    ]);
    expect(eb.message).toBe(ea.message);
    expect(h.api.calls).toHaveLength(3);
    expect((await readdir(h.dir)).sort()).toEqual(["custody.jsonl"]);
    expect((await custodyLines(h.dir)).filter((l) => l.event === "failed")).toHaveLength(2);
    await expectNoLinkLeak(h);
  });

  it("a later fetch (another `up`) finds the kept package again instead of joining a finished one", async () => {
    await h.handler.record(h.dir, "succeeded", succeededOutputs(h.dir)); // opens the gate for the lone first fetch
    await h.handler.fetch(succeededOutputs(h.dir), { adopted: false });
    await h.another().fetch(succeededOutputs(h.dir), { adopted: false });
    expect(h.api.calls).toHaveLength(1);
    expect((await custodyLines(h.dir)).map((l) => l.event)).toEqual(["succeeded", "succeeded", "downloaded", "verified", "claimed", "succeeded", "reused", "claimed"]);
  });
});

/** Polls a condition the test controls (no wall-clock race): resolves once it holds. */
async function until(condition: () => Promise<boolean>): Promise<void> {
  while (!(await condition())) await new Promise((r) => setTimeout(r, 5));
}

describe("partial files", () => {
  it("are created for one writer only: an existing name is refused, never truncated", async () => {
    const h = await harness();
    try {
      await h.handler.preflight(h.dir);
      const path = join(h.dir, "x.partial");
      await writeFile(path, "someone else's bytes");
      await expect(openPartial(path)).rejects.toThrow(/cannot create .*x\.partial: .*EEXIST/);
      expect(await readFile(path, "utf8")).toBe("someone else's bytes");
    } finally {
      await h.close();
    }
  });
});
