/**
 * What `verify`'s exit code proves: 0 intact and signed by a key the investigator trusts, 3 intact
 * but authenticity not established (unsigned, or no key given), 1 broken or unaccounted for, 2 a
 * usage error only. Every signer's key id is printed, whether or not it could be checked.
 */
import { verify } from "./forge";
import { signedAndUnsigned, type SignedFolder } from "./helpers";

const folders = signedAndUnsigned();
let f: SignedFolder;
let unsigned: SignedFolder;
beforeAll(() => {
  [f, unsigned] = [folders.signed(), folders.unsigned()];
});

describe("verify's exit codes", () => {
  it("0: intact, every signature by the trusted key, whose id is printed", async () => {
    const r = await verify(f.dir, [f.publicKeyFile]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`signer ${f.keyId}: trusted key, verified 3 envelope(s)`);
  });

  it("0 with several --public-key, any of which signed", async () => {
    const r = await verify(f.dir, [f.otherPublicKeyFile, f.publicKeyFile]);
    expect(r.code).toBe(0);
  });

  it("3: signed evidence checked without a key; the signer's key id is printed as unchecked", async () => {
    const r = await verify(f.dir);
    expect(r.code).toBe(3);
    expect(r.stdout).toContain(`signer ${f.keyId}: claimed by 3 envelope(s), not checked (no --public-key given)`);
    expect(r.stderr).toMatch(/authenticity not established/);
  });

  it("3: unsigned evidence, intact", async () => {
    const r = await verify(unsigned.dir);
    expect(r.code).toBe(3);
    expect(r.stdout).toMatch(/unsigned/);
  });

  it("1: a key given that signed nothing here", async () => {
    const r = await verify(f.dir, [f.otherPublicKeyFile]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(`signer ${f.keyId}: claimed by 3 envelope(s), no valid signature by a trusted key`);
  });

  it("2: usage errors only", async () => {
    expect((await verify(f.dir, [], ["--public-key"])).code).toBe(2);
    expect((await verify(f.dir, [], ["--bogus"])).code).toBe(2);
    expect((await verify(f.dir, ["/nonexistent/key.pem"])).code).toBe(2);
  });
});
