/**
 * The independent check: the envelopes this provider writes are verified by DSSE and in-toto
 * implementations no one here wrote, the Go reference libraries
 * (github.com/secure-systems-lab/go-securesystemslib/dsse and github.com/in-toto/attestation/go/v1
 * `Statement.Validate()`), built from test/verify/dssecheck through the Go module proxy into a
 * temp folder (the module cache is reused). They also refuse what verify refuses: base64 outside
 * the alphabet.
 */
import { execFile, execFileSync } from "node:child_process";
import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { packageStatement } from "../../provider/evidence/attest";
import { signStatement } from "../../provider/evidence/dsse";
import { readJson, verify } from "./forge";
import { signedFolder, type SignedFolder } from "./helpers";

const run = promisify(execFile);
const goAvailable = (() => {
  try {
    execFileSync("go", ["version"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
})();
if (!goAvailable) console.warn("skipping the Go reference DSSE check: go is not installed (it needs go 1.25+ and the Go module proxy)");
const describeGo = goAvailable ? describe : describe.skip;

describeGo("envelopes checked by the Go reference DSSE and in-toto libraries", () => {
  let work: string;
  let bin: string;
  let f: SignedFolder;

  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), "dssecheck-"));
    bin = join(work, "dssecheck");
    await run("go", ["build", "-o", bin, "."], { cwd: join(__dirname, "dssecheck"), env: { ...process.env, GOFLAGS: "-buildvcs=false" } });
    f = await signedFolder(2);
  }, 300_000);
  afterAll(async () => {
    await f?.cleanup();
    await rm(work, { recursive: true, force: true });
  });

  it("accepts every package envelope and the custody head (Ed25519), with our key id", async () => {
    const envelopes = (await readdir(f.dir)).filter((n) => n.endsWith(".intoto.json") || n === "custody.head.json").map((n) => join(f.dir, n));
    expect(envelopes).toHaveLength(3);
    const { stdout } = await run(bin, [f.publicKeyFile, ...envelopes]);
    const ok = stdout.trim().split("\n");
    expect(ok).toHaveLength(3);
    for (const line of ok) expect(line).toMatch(new RegExp(`^OK \\S+ ${f.keyId} urn:pulumi-mde-forensics:(investigation-package-manifest|custody-chain-head):v1$`));
  });

  it("accepts an ECDSA P-256 envelope", async () => {
    const manifest = await readJson(join(f.dir, `${f.bases[0]}.json`));
    const file = join(work, "p256.intoto.json");
    await writeFile(file, JSON.stringify(signStatement(packageStatement(manifest), f.otherPrivateKey)));
    const { stdout } = await run(bin, [f.otherPublicKeyFile, file]);
    expect(stdout).toContain(`OK ${file} ${f.otherKeyId}`);
  });

  it("refuses, as verify does, an envelope whose payload has a character outside the base64 alphabet", async () => {
    const dir = await f.copy("go-b64");
    const file = join(dir, `${f.bases[0]}.intoto.json`);
    const env = await readJson(file);
    await writeFile(file, JSON.stringify({ ...env, payload: `${env.payload.slice(0, 8)}!${env.payload.slice(8)}` }));
    await expect(run(bin, [f.publicKeyFile, file])).rejects.toMatchObject({ code: 1 });
    expect((await verify(dir, [f.publicKeyFile])).code).toBe(1);
    expect(await readFile(file, "utf8")).toContain("!");
  });
});
