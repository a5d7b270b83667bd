/**
 * Forged evidence, as an attacker with write access to the folder (but not the signing key)
 * would make it: each forgery exits 1 (or 3 when only authenticity is missing) with a report,
 * with or without the public key; it never exits 0 unless the signatures are by a trusted key.
 */
import { cp, readFile, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { buildZip } from "../evidence/helpers/fixtures";
import { actionIdOf } from "./helpers";
import { readJson, readLog, resignAll, resignHead, sha256, verify, writeJson, writeRelinked } from "./forge";
import { signedFolder, type SignedFolder } from "./helpers";

let f: SignedFolder;
beforeAll(async () => {
  f = await signedFolder(2);
});
afterAll(() => f.cleanup());

/** Both ways an investigator may run it: without a key, and with the trusted one. */
const bothWays = () => [[], [f.publicKeyFile]];

describe("verify against forged evidence", () => {
  it("catches the last custody line deleted, with or without a key", async () => {
    const dir = await f.copy("last-deleted");
    await writeRelinked(dir, (await readLog(dir)).slice(0, -1));
    for (const keys of bothWays()) {
      const r = await verify(dir, keys);
      expect(r.code).toBe(1);
      expect(r.stdout).toMatch(/custody\.jsonl does not match the signed head: it has \d+ complete line\(s\), but the signed head covers \d+/);
    }
  });

  it("catches a package deleted with its custody lines and the chain re-linked", async () => {
    const dir = await f.copy("package-deleted");
    const gone = f.bases[1];
    for (const ext of [".zip", ".json", ".intoto.json"]) await rm(join(dir, `${gone}${ext}`));
    await writeRelinked(dir, (await readLog(dir)).filter((l) => `${l.machineId}-${l.actionId}` !== gone));
    for (const keys of bothWays()) {
      const r = await verify(dir, keys);
      expect(r.code).toBe(1);
      expect(r.stdout).toContain("custody.jsonl does not match the signed head");
    }
  });

  it("catches a package replaced, its manifest and chain fixed, its envelopes left stale", async () => {
    const dir = await f.copy("replaced");
    const base = f.bases[0];
    const zip = await buildZip(16 * 1024, "z");
    await writeFile(join(dir, `${base}.zip`), zip);
    const manifest = await readJson(join(dir, `${base}.json`));
    const old = manifest.sha256;
    Object.assign(manifest, { sha256: sha256(zip), sizeBytes: zip.length });
    await writeJson(join(dir, `${base}.json`), manifest);
    const manifestSha256 = sha256(await readFile(join(dir, `${base}.json`)));
    const lines = await readLog(dir);
    for (const l of lines) {
      if (l.details?.sha256 === old) Object.assign(l.details, { sha256: sha256(zip), sizeBytes: zip.length });
      if (l.details?.manifestSha256 && l.details.fileName === `${base}.zip`) l.details.manifestSha256 = manifestSha256;
    }
    await writeRelinked(dir, lines);
    for (const keys of bothWays()) {
      const r = await verify(dir, keys);
      expect(r.code).toBe(1);
      expect(r.stdout).toContain(`${base}.intoto.json signs SHA-256 ${old}, not the package's ${sha256(zip)}`);
    }
  });

  it("never passes evidence re-signed with another key: 3 without a key, 1 with the trusted one, the signer's key id shown", async () => {
    const dir = await f.copy("resigned");
    await resignAll(dir, f.otherPrivateKey, f.otherKeyId);
    const open = await verify(dir);
    expect(open.code).toBe(3);
    expect(open.stdout).toContain(f.otherKeyId);
    expect(open.stdout).not.toContain(f.keyId);
    const trusted = await verify(dir, [f.publicKeyFile]);
    expect(trusted.code).toBe(1);
    expect(trusted.stdout).toContain(f.otherKeyId);
    expect(trusted.stdout).toMatch(/custody\.head\.json: not signed by a trusted key/);
  });

  it("catches a rollback of the log and head to an earlier signed state while later packages remain", async () => {
    const dir = await f.copy("rollback");
    for (const name of ["custody.jsonl", "custody.head.json"]) await cp(join(f.snapshots[0], name), join(dir, name));
    for (const keys of bothWays()) {
      const r = await verify(dir, keys);
      expect(r.code).toBe(1);
      expect(r.stdout).toContain(`${f.bases[1]}.zip: the custody log has no record of it`);
    }
  });

  it("catches a manifest's requestor comment edited in unsigned evidence", async () => {
    const unsigned = await signedFolder(1, { signed: false });
    try {
      const file = join(unsigned.dir, `${unsigned.bases[0]}.json`);
      const manifest = await readJson(file);
      manifest.requestorComment = "routine maintenance, nothing to see";
      await writeJson(file, manifest);
      const r = await verify(unsigned.dir);
      expect(r.code).toBe(1);
      expect(r.stdout).toMatch(new RegExp(`${unsigned.bases[0]}\\.zip: its manifest's SHA-256 is [0-9a-f]{64}, but the custody log records`));
    } finally {
      await unsigned.cleanup();
    }
  });

  it("reads lines after the signed head as a write in progress: not covered (exit 3), not tampering", async () => {
    const dir = await f.copy("in-progress");
    const lines = await readLog(dir);
    await writeRelinked(dir, [...lines, { ...lines.at(-1), event: "requested", timestamp: new Date().toISOString() }]);
    await writeFile(join(dir, "custody.jsonl"), `${await readFile(join(dir, "custody.jsonl"), "utf8")}{"prev":"`, { flag: "w" });
    const r = await verify(dir, [f.publicKeyFile]);
    expect(r.code).toBe(3);
    expect(r.stdout).toMatch(/1 line\(s\) after the signed head .* not covered by a signature/);
    expect(r.stdout).toMatch(/incomplete last line/);
  });

  it("reads a package recorded only after the signed head, without its manifest yet, as a write in progress (3), and as broken once the head covers it (1)", async () => {
    const dir = await f.copy("package-in-progress");
    const lines = await readLog(dir);
    const zip = await buildZip(8 * 1024, "p");
    const last = lines.at(-1)!;
    const [machineId, actionId] = [last.machineId, actionIdOf(7)];
    const fileName = `${machineId}-${actionId}.zip`;
    await writeFile(join(dir, fileName), zip);
    const more = ["succeeded", "downloaded", "verified"].map((event) => ({ ...last, event, actionId, details: event === "succeeded" ? {} : { fileName, sha256: sha256(zip), sizeBytes: zip.length } }));
    await writeRelinked(dir, [...lines, ...more]);
    const r = await verify(dir, [f.publicKeyFile]);
    expect(r.code).toBe(3);
    expect(r.stdout).toContain(`${fileName}: being written (recorded after the signed head): its manifest ${fileName.replace(".zip", ".json")} is missing`);
    await resignHead(dir, f.otherPrivateKey);
    const covered = await verify(dir);
    expect(covered.code).toBe(1);
    expect(covered.stdout).toContain(`${fileName}: its manifest ${fileName.replace(".zip", ".json")} is missing`);
  });
});
