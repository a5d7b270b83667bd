/**
 * A report must not cost a signed evidence folder its verdict: after `reported` is appended,
 * `mde-forensics verify --public-key` still exits 0, because the head is re-signed with the key
 * that signed it. Without that key (or with another one) the report refuses before reading
 * anything and leaves the log as it was; `--no-custody` still makes it. An unsigned folder stays
 * what it was (exit 3), never broken (1).
 */
import { readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { generateKeyPairSync } from "node:crypto";
import { reportMain } from "../../provider/report/cli";
import { main as verifyMain } from "../../provider/verify/cli";
import { createReport } from "../../provider/report/run";
import { signedFolder, type SignedFolder } from "../verify/helpers";

let signed: SignedFolder;
let unsigned: SignedFolder;
beforeAll(async () => {
  signed = await signedFolder(2);
  unsigned = await signedFolder(1, { signed: false });
});
afterAll(async () => {
  await signed?.cleanup();
  await unsigned?.cleanup();
});

const keyFileOf = (f: SignedFolder) => join(dirname(f.dir), "signing.pem");
const lines = (dir: string) => readFileSync(join(dir, "custody.jsonl"), "utf8").trim().split("\n");

async function run(argv: string[], env: Record<string, string> = {}): Promise<{ code: number; text: string }> {
  const text: string[] = [];
  const saved = { ...process.env };
  Object.assign(process.env, env);
  try {
    const write = (s: string) => void text.push(s);
    const code = argv[0] === "report" ? await reportMain(argv.slice(1), write, write) : await verifyMain(argv, write, write);
    return { code, text: text.join("") };
  } finally {
    process.env = saved;
  }
}

const verify = (dir: string, f: SignedFolder) => run(["verify", dir, "--public-key", f.publicKeyFile]);

it("re-signs the custody head after `reported`: verify --public-key still exits 0", async () => {
  const dir = await signed.copy("with-key");
  expect((await verify(dir, signed)).code).toBe(0);
  const r = await run(["report", dir, "--out", join(dir, "..", "out-with-key"), "--signing-key", keyFileOf(signed), "--quiet"]);
  expect(r).toMatchObject({ code: 0 });
  expect(JSON.parse(lines(dir).at(-1)!)).toMatchObject({ event: "reported" });
  const after = await verify(dir, signed);
  expect(after.text).not.toMatch(/not covered by a signature/);
  expect(after.code).toBe(0);
  // A second report extends the same chain and head.
  expect((await run(["report", dir, "--out", join(dir, "..", "out-again"), "--quiet"], { MDE_EVIDENCE_SIGNING_KEY_FILE: keyFileOf(signed) })).code).toBe(0);
  expect(lines(dir).filter((l) => JSON.parse(l).event === "reported")).toHaveLength(2);
  expect((await verify(dir, signed)).code).toBe(0);
});

it("refuses before reading when the folder is signed and no key is given, and leaves the log alone", async () => {
  const dir = await signed.copy("no-key");
  const before = readFileSync(join(dir, "custody.jsonl"));
  const r = await run(["report", dir, "--out", join(dir, "..", "out-no-key"), "--quiet"]);
  expect(r.code).toBe(2);
  expect(r.text).toMatch(/custody log .* is signed .*--signing-key.*--no-custody/s);
  expect(readFileSync(join(dir, "custody.jsonl"))).toEqual(before);
  expect((await verify(dir, signed)).code).toBe(0);
  // A dry look is still possible.
  expect((await run(["report", dir, "--out", join(dir, "..", "out-dry"), "--no-custody", "--quiet"])).code).toBe(0);
  expect((await verify(dir, signed)).code).toBe(0);
});

it("refuses another key than the head's", async () => {
  const dir = await signed.copy("other-key");
  const stranger = join(dirname(dir), "stranger.pem");
  writeFileSync(stranger, generateKeyPairSync("ed25519").privateKey.export({ type: "pkcs8", format: "pem" }).toString(), { mode: 0o600 });
  await expect(createReport({ location: dir, outDir: join(dir, "..", "out-other"), signingKey: { file: stranger, origin: "test" } })).rejects.toThrow(new RegExp(`signed by key ${signed.keyId}`));
  expect((await verify(dir, signed)).code).toBe(0);
});

it("an unsigned folder stays unsigned-but-intact (exit 3) after a report", async () => {
  const dir = await unsigned.copy("unsigned");
  expect((await run(["report", dir, "--out", join(dir, "..", "out-unsigned"), "--quiet"])).code).toBe(0);
  expect(JSON.parse(lines(dir).at(-1)!)).toMatchObject({ event: "reported" });
  expect((await run(["verify", dir])).code).toBe(3);
});

it("says how to give the key in --help", async () => {
  const r = await run(["report", "--help"]);
  expect(r.code).toBe(0);
  expect(r.text).toMatch(/--signing-key <pem> .*MDE_EVIDENCE_SIGNING_KEY_FILE/s);
  expect(r.text.split("\n").every((l) => l.length <= 100)).toBe(true);
});
