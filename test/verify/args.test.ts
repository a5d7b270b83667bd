/**
 * `mde-forensics verify`'s command line (#21): --help answers (exit 0) in rows a terminal shows
 * whole, the usage names `?endpoint=` and the sign-in flags, and a blob container is read with the
 * provider's sign-in settings; a sign-in that fails is exit 3 (could not read), not 2 (usage).
 */
import { startEmulator, type EmulatorHandle } from "../../emulator";
import { main } from "../../provider/verify/cli";
import { parseVerifyArgs } from "../../provider/verify/args";

function run(argv: string[], env: Record<string, string> = {}) {
  let out = "";
  let err = "";
  const saved = { ...process.env };
  Object.assign(process.env, env);
  return main(argv, (s) => (out += s), (s) => (err += s))
    .then((code) => ({ code, out, err }))
    .finally(() => {
      for (const k of Object.keys(env)) if (saved[k] === undefined) delete process.env[k];
      Object.assign(process.env, saved);
    });
}

it("answers --help with the location forms, ?endpoint= and the sign-in flags, no row over 100 columns", async () => {
  for (const argv of [["verify", "--help"], ["verify", "-h"], ["--help"]]) {
    const r = await run(argv);
    expect(r.code).toBe(0);
    expect(r.out).toContain("?endpoint=<https url>");
    expect(r.out).toMatch(/--tenant-id .*--client-id .*--authority-host .*--client-certificate .*--federated-token-file/s);
    expect(Math.max(...r.out.split("\n").map((l) => l.length))).toBeLessThanOrEqual(100);
  }
  const bad = await run(["verify", "evidence", "--colour"]);
  expect(bad.code).toBe(2);
  expect(bad.err).toContain("usage: mde-forensics verify");
});

it("maps the sign-in flags onto the provider's settings, and never takes a secret as an argument", () => {
  expect(parseVerifyArgs(["azblob://acct1/evd", "--tenant-id", "t", "--client-id", "c", "--authority-host", "https://login.example", "--client-certificate", "c.pem", "--federated-token-file", "f", "--credential", "workloadIdentity", "--cloud", "gccHigh"])?.signIn).toEqual({
    tenantId: "t",
    clientId: "c",
    authorityHost: "https://login.example",
    clientCertificatePath: "c.pem",
    federatedTokenFile: "f",
    credential: "workloadIdentity",
    cloud: "gccHigh",
  });
  expect(() => parseVerifyArgs(["azblob://acct1/evd", "--client-secret", "s"])).toThrow(/Unknown option '--client-secret'/);
});

describe("a sign-in that fails", () => {
  let emu: EmulatorHandle;
  beforeAll(async () => {
    emu = await startEmulator({ quiet: true });
  });
  afterAll(() => emu?.close());

  it("is exit 1, NOT VERIFIED, naming the cause (here the emulator's untrusted certificate): not a usage error, and never 3 (intact)", async () => {
    const location = `azblob://devstoreaccount1/evidence?endpoint=${emu.apiUrl}/devstoreaccount1`;
    const r = await run(["verify", location, "--tenant-id", emu.tenantId, "--client-id", emu.clientId, "--authority-host", emu.authorityHost], { AZURE_CLIENT_SECRET: emu.clientSecret });
    expect(r.code).toBe(1);
    expect(r.err).toContain("NOT VERIFIED");
    expect(r.err).toContain(`the TLS certificate of ${new URL(emu.authorityHost).host} is not trusted`);
    expect(r.err).not.toContain("endpoints_resolution_error");
    expect(r.err).not.toContain(emu.clientSecret);
  }, 60_000);
});
