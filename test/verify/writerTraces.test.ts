/**
 * What a writer leaves while it works, or when it is killed (custodyFile.ts, keep.ts), is told
 * apart from tampering: a keep marker `<base>.partial` or a `custody.head.json.partial` is
 * incomplete (exit 3, never 0, never 1); around a marker, what is missing is incomplete but what
 * disagrees is still exit 1; the lock's files are notes; a `repaired` line is accepted. Anything
 * else unknown stays exit 1. (killPoints.e2e and interrupted.e2e kill real writers at each step.)
 */
import { createPublicKey } from "node:crypto";
import { appendFile, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { exitCodeOf, verifyLocation } from "../../provider/verify/checks";
import { folderSource } from "../../provider/verify/source";
import { buildZip, sha256, succeededOutputs } from "../evidence/helpers/fixtures";
import { harness } from "../evidence/helpers/harness";
import { actionIdOf, machineIdOf, signedFolder, type SignedFolder } from "./helpers";

let f: SignedFolder;
beforeAll(async () => {
  f = await signedFolder(1);
});
afterAll(() => f.cleanup());

const check = async (dir: string) => {
  const r = await verifyLocation(folderSource(dir), createPublicKey(await readFile(f.publicKeyFile)));
  return { exit: exitCodeOf(r), problems: r.problems, unproven: r.unproven, notes: r.notes };
};
/** A second package placed under its final name, as a keep killed after `keep:placed` leaves it. */
async function placedPackage(dir: string, markerSha256?: (zipSha: string) => string): Promise<string> {
  const base = `${machineIdOf(1)}-${actionIdOf(1)}`;
  const zip = await buildZip(8 * 1024, "z");
  await writeFile(join(dir, `${base}.zip`), zip);
  if (markerSha256) await writeFile(join(dir, `${base}.partial`), JSON.stringify({ keeping: `${base}.zip`, sha256: markerSha256(sha256(zip)), sizeBytes: zip.length }));
  return base;
}

describe("verify and a writer's traces", () => {
  it("the folder as kept: 0 with the key", async () => {
    expect(await check(f.dir)).toMatchObject({ exit: 0, problems: [] });
  });

  it("a package placed under its keep marker, without manifest, envelope or custody record yet: 3, incomplete", async () => {
    const dir = await f.copy("marked");
    const base = await placedPackage(dir, (sha) => sha);
    const r = await check(dir);
    expect(r).toMatchObject({ exit: 3, problems: [] });
    expect(r.unproven.join("\n")).toContain(`${base}.partial: incomplete`);
  });

  it("a keep marker alone (the package not placed yet): 3", async () => {
    const dir = await f.copy("marker-only");
    const base = `${machineIdOf(1)}-${actionIdOf(1)}`;
    await writeFile(join(dir, `${base}.partial`), JSON.stringify({ keeping: `${base}.zip`, sha256: "0".repeat(64) }));
    expect(await check(dir)).toMatchObject({ exit: 3, problems: [] });
  });

  it("a package whose bytes are not the ones its marker names: 1 (a marker is no licence)", async () => {
    const dir = await f.copy("marker-other-bytes");
    await placedPackage(dir, () => "f".repeat(64));
    const r = await check(dir);
    expect(r.exit).toBe(1);
    expect(r.problems.join("\n")).toMatch(/its keep marker says f{64} is being kept/);
  });

  it("the same package without a marker: 1 (no record of it)", async () => {
    const dir = await f.copy("unmarked");
    await placedPackage(dir);
    const r = await check(dir);
    expect(r.exit).toBe(1);
    expect(r.problems.join("\n")).toMatch(/no record of it/);
  });

  it("a marker does not excuse an edited manifest of a kept package: 1", async () => {
    const dir = await f.copy("marker-edited");
    const base = f.bases[0];
    const manifest = JSON.parse(await readFile(join(dir, `${base}.json`), "utf8"));
    await writeFile(join(dir, `${base}.partial`), JSON.stringify({ keeping: `${base}.zip`, sha256: manifest.sha256 }));
    await writeFile(join(dir, `${base}.json`), JSON.stringify({ ...manifest, requestorComment: "edited" }, null, 2));
    expect((await check(dir)).exit).toBe(1);
  });

  it("custody.head.json.partial (a head not yet committed): 3, never 0", async () => {
    const dir = await f.copy("head-partial");
    await writeFile(join(dir, "custody.head.json.partial"), await readFile(join(dir, "custody.head.json")));
    const r = await check(dir);
    expect(r).toMatchObject({ exit: 3, problems: [] });
    expect(r.unproven.join("\n")).toContain("custody.head.json.partial: incomplete");
  });

  it("the lock and its break and temporary files are notes: still 0", async () => {
    const dir = await f.copy("lock-files");
    for (const name of ["custody.jsonl.lock", "custody.jsonl.lock.break-0123abcd", "custody.jsonl.lock.4242-0123abcd.tmp"]) await writeFile(join(dir, name), "{}");
    const r = await check(dir);
    expect(r).toMatchObject({ exit: 0, problems: [] });
    expect(r.notes).toHaveLength(3);
  });

  it("a .partial that names no package, or a marker that is not a file: 1", async () => {
    const dir = await f.copy("stray-partial");
    await writeFile(join(dir, "evil.partial"), "x");
    expect((await check(dir)).problems.join("\n")).toContain("evil.partial: unaccounted for");
  });

  it("a torn last line, repaired by the next writer into a 'repaired' line: 0, noted", async () => {
    const dir = await f.copy("torn");
    await appendFile(join(dir, "custody.jsonl"), '{"prev":"torn mid-wri');
    const pem = await readFile(join(f.dir, "..", "signing.pem"), "utf8");
    const h = await harness({ signingKey: { pem, origin: "test" } });
    try {
      await h.handler.record(dir, "requested", succeededOutputs(dir, { machineId: machineIdOf(2), actionId: actionIdOf(2), status: "Pending" }));
    } finally {
      await h.close();
    }
    const r = await check(dir);
    expect(r).toMatchObject({ exit: 0, problems: [], unproven: [] });
    expect(r.notes.join("\n")).toMatch(/line \d+: a torn last line/);
  });
});
