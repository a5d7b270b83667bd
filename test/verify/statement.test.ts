/**
 * `verify --report`: a statement for an investigator (FRE 902(14) in spirit), in text and JSON.
 * It names what was checked, the tool version, the key ids that verified (or only claimed), and
 * what was not established; it claims nothing unchecked: without a key no signer is "verified".
 */
import { rm } from "node:fs/promises";
import { join } from "node:path";
import { packageVersion } from "../../provider/util/packageInfo";
import { verify } from "./forge";
import { signedFolder, type SignedFolder } from "./helpers";

let f: SignedFolder;
beforeAll(async () => {
  f = await signedFolder(1);
});
afterAll(() => f.cleanup());

describe("verify --report", () => {
  it("states, with the trusted key: intact and authenticated, each package's hash, the verifying key id, the tool version", async () => {
    const r = await verify(f.dir, [f.publicKeyFile], ["--report"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("VERIFICATION STATEMENT");
    expect(r.stdout).toContain(`pulumi-mde-forensics@${packageVersion()}`);
    expect(r.stdout).toContain("Outcome:    INTACT AND AUTHENTICATED");
    expect(r.stdout).toMatch(new RegExp(`${f.bases[0]}\\.zip  [0-9a-f]{64}  chain ok, signature ok`));
    expect(r.stdout).toMatch(new RegExp(`Signatures verified with a supplied key, by key id[^\\n]*\\n  - ${f.keyId}\\n`));
    expect(r.stdout).toContain("no trusted time-stamp was checked");
  });

  it("claims no verified signer without a key: the key id is listed as claimed only, and the outcome says so", async () => {
    const r = await verify(f.dir, [], ["--report", "--json"]);
    expect(r.code).toBe(3);
    const s = JSON.parse(r.stdout);
    expect(s).toMatchObject({ exitCode: 3, trustedSigners: [], claimedButNotVerifiedSigners: [f.keyId] });
    expect(s.outcome).toMatch(/^INTACT, AUTHENTICITY NOT ESTABLISHED/);
    expect(s.notEstablished[0]).toMatch(/no --public-key given/);
    expect(s.tool).toBe(`pulumi-mde-forensics@${packageVersion()}`);
  });

  it("states what is broken when it is", async () => {
    const dir = await f.copy("report-broken");
    await rm(join(dir, `${f.bases[0]}.zip`));
    const r = await verify(dir, [f.publicKeyFile], ["--report", "--json"]);
    expect(r.code).toBe(1);
    const s = JSON.parse(r.stdout);
    expect(s.outcome).toMatch(/^NOT INTACT/);
    expect(s.problems).toContain(`${f.bases[0]}.zip: the package is missing`);
  });
});
