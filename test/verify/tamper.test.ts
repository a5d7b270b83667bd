/**
 * `mde-forensics verify` against evidence the real handler wrote and signed, then tampered with
 * one way at a time. Each tampering makes verify exit 1 and name the broken item first; the
 * intact folder verifies with one ok row per package.
 */
import { readFile, rename, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { main } from "../../provider/verify/cli";
import { signedFolder, type SignedFolder } from "./helpers";

let f: SignedFolder;
beforeAll(async () => {
  f = await signedFolder(2);
});
afterAll(() => f.cleanup());

async function verify(dir: string, key: string | null = f.publicKeyFile) {
  let stdout = "";
  let stderr = "";
  const args = ["verify", dir, ...(key ? ["--public-key", key] : [])];
  const code = await main(args, (s) => (stdout += s), (s) => (stderr += s));
  return { code, stdout, stderr };
}

const editLines = async (dir: string, edit: (lines: string[]) => string[]) => {
  const file = join(dir, "custody.jsonl");
  const lines = (await readFile(file, "utf8")).trimEnd().split("\n");
  await writeFile(file, `${edit(lines).join("\n")}\n`);
};

describe("mde-forensics verify", () => {
  it("passes intact, signed evidence: one row per package with device, action, hash, chain ok, signature ok", async () => {
    const r = await verify(f.dir);
    expect(r.code).toBe(0);
    for (const base of f.bases) {
      const [device, ...action] = base.split("-");
      expect(r.stdout).toMatch(new RegExp(`${base}\\.zip\\s+${device}\\s+${action.join("-")}\\s+[0-9a-f]{64}\\s+ok\\s+ok`));
    }
    expect(r.stdout).toMatch(/custody chain: ok, (\d+) line\(s\), \1 covered by the head, head signed/);
    expect(r.stderr).toBe("");
  });

  it("fails on one byte flipped in a package", async () => {
    const dir = await f.copy("byte");
    const zip = join(dir, `${f.bases[0]}.zip`);
    const bytes = await readFile(zip);
    bytes[Math.floor(bytes.length / 2)] ^= 0x01;
    await writeFile(zip, bytes);
    const r = await verify(dir);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(new RegExp(`FAILED: ${f.bases[0]}\\.zip: its SHA-256 is [0-9a-f]{64} .* but the manifest records`));
  });

  it.each([
    ["deleted", (l: string[]) => l.filter((_, i) => i !== 2), /custody\.jsonl line 3: its prev hash does not match line 2/],
    ["reordered", (l: string[]) => [l[0], l[2], l[1], ...l.slice(3)], /custody\.jsonl line 2: its prev hash does not match line 1/],
    ["edited", (l: string[]) => l.map((x, i) => (i === 1 ? x.replace('"event":"succeeded"', '"event":"adopted"') : x)), /custody\.jsonl line 3: its prev hash does not match line 2/],
  ])("fails on a custody line %s", async (label, edit, expected) => {
    const dir = await f.copy(`line-${label}`);
    await editLines(dir, edit);
    const r = await verify(dir);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(new RegExp(`FAILED: ${expected.source}`));
  });

  it("fails on the last custody line edited or deleted: the log no longer matches the signed head", async () => {
    for (const [label, edit] of [
      ["last-edited", (l: string[]) => l.map((x, i) => (i === l.length - 1 ? x.replace('"event":"claimed"', '"event":"reused"') : x))],
      ["last-deleted", (l: string[]) => l.slice(0, -1)],
    ] as const) {
      const dir = await f.copy(label);
      await editLines(dir, edit);
      const r = await verify(dir);
      expect(r.code).toBe(1);
      expect(r.stderr).toContain("FAILED: custody.jsonl does not match the signed head");
    }
  });

  it("fails on a manifest edited after signing", async () => {
    const dir = await f.copy("manifest");
    const file = join(dir, `${f.bases[1]}.json`);
    const m = JSON.parse(await readFile(file, "utf8"));
    m.requestorComment = "nothing to see here";
    await writeFile(file, JSON.stringify(m, null, 2));
    const r = await verify(dir);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(new RegExp(`FAILED: ${f.bases[1]}\\.zip: its manifest's SHA-256 is [0-9a-f]{64}, but the custody log records`));
    expect(r.stdout).toContain(`${f.bases[1]}.zip: its manifest ${f.bases[1]}.json differs from the signed one (edited after signing)`);
  });

  it("fails when the signatures are checked with another key", async () => {
    const r = await verify(f.dir, f.otherPublicKeyFile);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/FAILED: custody\.head\.json: not signed by a trusted key \(it claims key id [0-9a-f]{64}\)/);
    expect(r.stdout).toMatch(/\s+BAD\n/);
  });

  it("fails when the packages of two devices are swapped", async () => {
    const dir = await f.copy("swap");
    const [a, b] = f.bases.map((base) => join(dir, `${base}.zip`));
    await rename(a, `${a}.tmp`);
    await rename(b, a);
    await rename(`${a}.tmp`, b);
    const r = await verify(dir);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(new RegExp(`FAILED: ${f.bases[0]}\\.zip: its SHA-256 is`));
    expect(r.stdout).toContain(`${f.bases[1]}.zip: its SHA-256 is`);
  });

  it("fails when a package is missing", async () => {
    const dir = await f.copy("missing");
    await rm(join(dir, `${f.bases[1]}.zip`));
    const r = await verify(dir);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`FAILED: ${f.bases[1]}.zip: the package is missing`);
  });

  it("shows unsigned evidence as unsigned: intact but not authenticated (3) without a key, failed (1) when a key is expected", async () => {
    const unsigned = await signedFolder(1, { signed: false });
    try {
      const manifest = JSON.parse(await readFile(join(unsigned.dir, `${unsigned.bases[0]}.json`), "utf8"));
      expect(manifest.signature).toEqual({ status: "unsigned" });
      const open = await verify(unsigned.dir, null);
      expect(open.code).toBe(3);
      expect(open.stdout).toMatch(/\s+ok\s+unsigned\n/);
      expect(open.stdout).toContain("head unsigned");
      const strict = await verify(unsigned.dir, unsigned.publicKeyFile);
      expect(strict.code).toBe(1);
      expect(strict.stderr).toContain("custody.head.json is missing: the custody log is unsigned, but a public key was given");
    } finally {
      await unsigned.cleanup();
    }
  });
});
