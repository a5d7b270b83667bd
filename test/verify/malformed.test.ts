/**
 * Hostile shapes in an evidence folder: malformed custody lines, a directory, a symlink, a FIFO
 * or a device where a package should be, base64 outside the alphabet, files nobody accounts
 * for. Each exits 1 with a report naming it: never a crash (exit 2 is for usage only), never a
 * hang, and never a symlink followed.
 */
import { execFileSync } from "node:child_process";
import { appendFile, mkdir, readFile, rename, rm, symlink, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { readJson, readLog, verify, writeJson } from "./forge";
import { signedAndUnsigned, type SignedFolder } from "./helpers";

const folders = signedAndUnsigned();
let f: SignedFolder;
let unsigned: SignedFolder;
beforeAll(() => {
  [f, unsigned] = [folders.signed(), folders.unsigned()];
});

const noCrash = (r: { code: number; stderr: string }) => {
  expect(r.stderr).not.toMatch(/TypeError|Invalid string length|at .*\.js:\d+/);
  expect(r.code).toBe(1);
};

describe("verify against malformed evidence", () => {
  it.each([
    ["a null line", "null"],
    ["an array line", "[]"],
    ["a string line", '"hello"'],
    ["a line with a details string", '{"event":"verified","actionId":"x","machineId":"y","details":"nope"}'],
    ["ids that cannot be file names", '{"event":"verified","actionId":"../../etc/passwd","machineId":{"a":1},"details":{"sha256":"00","fileName":"../x.zip"}}'],
  ])("reports %s in the log without crashing", async (label, text) => {
    const dir = await unsigned.copy(`line-${label.replace(/\W+/g, "-")}`);
    const lines = await readLog(dir);
    await writeFile(join(dir, "custody.jsonl"), [...lines.map((l) => JSON.stringify(l)), text].map((t) => `${t}\n`).join(""));
    const r = await verify(dir);
    noCrash(r);
    expect(r.stdout).toMatch(/custody\.jsonl line \d+/);
  });

  it("reports a directory named like a package", async () => {
    const dir = await f.copy("dir-zip");
    await rm(join(dir, `${f.bases[0]}.zip`));
    await mkdir(join(dir, `${f.bases[0]}.zip`));
    const r = await verify(dir, [f.publicKeyFile]);
    noCrash(r);
    expect(r.stdout).toContain(`${f.bases[0]}.zip: not a regular file (a directory)`);
  });

  it("never follows a package that is a symlink, even to the genuine bytes", async () => {
    const dir = await f.copy("symlink");
    const zip = join(dir, `${f.bases[0]}.zip`);
    await rename(zip, join(dir, "..", "outside.zip"));
    await symlink(join(dir, "..", "outside.zip"), zip);
    const r = await verify(dir, [f.publicKeyFile]);
    noCrash(r);
    expect(r.stdout).toContain(`${f.bases[0]}.zip: not a regular file (a symbolic link)`);
  });

  it("never follows a symlinked custody log or manifest", async () => {
    const dir = await f.copy("symlink-log");
    await rename(join(dir, "custody.jsonl"), join(dir, "..", "log-outside"));
    await symlink(join(dir, "..", "log-outside"), join(dir, "custody.jsonl"));
    const r = await verify(dir, [f.publicKeyFile]);
    noCrash(r);
    expect(r.stdout).toContain("custody.jsonl: not a regular file (a symbolic link)");
  });

  it("does not hang on a FIFO or /dev/zero named as a package", async () => {
    const dir = await f.copy("fifo");
    await rm(join(dir, `${f.bases[0]}.zip`));
    execFileSync("mkfifo", [join(dir, `${f.bases[0]}.zip`)]);
    await rm(join(dir, `${f.bases[1]}.zip`));
    await symlink("/dev/zero", join(dir, `${f.bases[1]}.zip`));
    const r = await verify(dir, [f.publicKeyFile]);
    noCrash(r);
    expect(r.stdout).toContain(`${f.bases[0]}.zip: not a regular file (a FIFO)`);
    expect(r.stdout).toContain(`${f.bases[1]}.zip: not a regular file (a symbolic link)`);
  }, 15_000);

  it.each([
    ["payload", (e: any) => ({ ...e, payload: `${e.payload.slice(0, 8)}!${e.payload.slice(8)}` })],
    ["signature", (e: any) => ({ ...e, signatures: [{ ...e.signatures[0], sig: `${e.signatures[0].sig.slice(0, 4)}\n${e.signatures[0].sig.slice(4)}` }] })],
    ["payload padding", (e: any) => ({ ...e, payload: `${e.payload}====` })],
  ])("refuses base64 outside the alphabet in an envelope's %s, with or without a key", async (label, edit) => {
    const dir = await f.copy(`b64-${label.replace(/\W+/g, "-")}`);
    const file = join(dir, `${f.bases[0]}.intoto.json`);
    await writeJson(file, edit(await readJson(file)));
    for (const keys of [[], [f.publicKeyFile]]) {
      const r = await verify(dir, keys);
      noCrash(r);
      expect(r.stdout).toMatch(/intoto\.json: (payload|signature) is not strict base64/);
    }
  });

  it("names files it cannot account for: evil.zip, sub/, a stray .partial", async () => {
    const dir = await f.copy("unaccounted");
    await writeFile(join(dir, "evil.zip"), await readFile(join(dir, `${f.bases[0]}.zip`)));
    await mkdir(join(dir, "sub"));
    await writeFile(join(dir, "sub", `${f.bases[0]}.zip`), "x");
    await writeFile(join(dir, "stray.partial"), "x");
    const r = await verify(dir, [f.publicKeyFile]);
    noCrash(r);
    for (const name of ["evil.zip", "sub", "stray.partial"]) expect(r.stdout).toMatch(new RegExp(`${name.replace(".", "\\.")}: unaccounted for`));
  });

  it("does not crash on a custody line without a trailing newline in unsigned evidence, and says what it is", async () => {
    const dir = await unsigned.copy("torn");
    await appendFile(join(dir, "custody.jsonl"), '{"prev":"ab');
    const r = await verify(dir);
    expect(r.code).toBe(3);
    expect(r.stdout).toMatch(/incomplete last line/);
  });
});
