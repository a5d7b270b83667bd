/**
 * `mde-emulator env --data-dir <dir>`: the running emulator's settings as the shell lines a user
 * evals in a project folder, driven in-process through the CLI's `main`. NODE_EXTRA_CA_CERTS
 * becomes a copy of the bundle the user had, with the emulator's CA appended once; no secret is
 * printed (the secret line reads a 0600 file); a stopped emulator is named, not pointed at.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { main } from "../../emulator/cli";

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pmf-emu-env-"));
const lines: string[] = [];
const errors: string[] = [];
const io = { stdout: (l: string) => lines.push(l), stderr: (l: string) => errors.push(l) };
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

it("prints the stack settings and the CA variable of the running emulator, and says when it stopped", async () => {
  const emu = (await main(["--data-dir", dir, "--time-scale", "60", "--quiet"], io))!;
  const corporate = path.join(dir, "corporate-ca.pem");
  fs.writeFileSync(corporate, "-----BEGIN CERTIFICATE-----\ncorporate\n-----END CERTIFICATE-----\n");
  const previous = process.env.NODE_EXTRA_CA_CERTS;
  process.env.NODE_EXTRA_CA_CERTS = corporate;
  try {
    lines.length = 0;
    await main(["env", "--data-dir", dir], io);
    const bundle = path.join(dir, "ca-bundle.pem");
    expect(lines.filter((l) => !l.startsWith("#"))).toEqual([
      `export NODE_EXTRA_CA_CERTS=${bundle}`,
      `pulumi config set mde:apiUrl ${emu.apiUrl}`,
      `pulumi config set mde:authorityHost ${emu.authorityHost}`,
      `pulumi config set mde:tenantId ${emu.tenantId}`,
      `pulumi config set mde:clientId ${emu.clientId}`,
      `pulumi config set --secret mde:clientSecret < ${path.join(dir, "secrets", emu.clientId)}`,
      `pulumi config set mde:rateLimits '{"timeScale":60}'`,
    ]);
    expect(lines.join("\n")).not.toContain(emu.clientSecret);
    expect(fs.readFileSync(path.join(dir, "secrets", emu.clientId), "utf8")).toBe(`${emu.clientSecret}\n`);
    expect(fs.statSync(path.join(dir, "secrets", emu.clientId)).mode & 0o077).toBe(0);
    const ca = fs.readFileSync(emu.caFile, "utf8").trim();
    const expected = `${fs.readFileSync(corporate, "utf8").trim()}\n${ca}\n`;
    expect(fs.readFileSync(bundle, "utf8")).toBe(expected);

    // Evaluated, then run again in the same shell: the bundle is not grown by a second CA.
    process.env.NODE_EXTRA_CA_CERTS = bundle;
    await main(["env", "--data-dir", dir], io);
    expect(fs.readFileSync(bundle, "utf8")).toBe(expected);

    lines.length = 0;
    await main(["env", "--data-dir", dir, "--azure"], io);
    expect(lines).toContain(`export AZURE_AUTHORITY_HOST=${emu.authorityHost}`);
    expect(lines).toContain(`export AZURE_CLIENT_SECRET="$(cat ${path.join(dir, "secrets", emu.clientId)})"`);
    expect(lines.join("\n")).not.toContain(emu.clientSecret);

    lines.length = 0;
    await main(["env", "--data-dir", dir, "--app", "Fleet Reporter", "--stack", "inc-1"], io);
    expect(lines).toContain("pulumi config set --stack inc-1 mde:clientId 4b3c2d1e-6f70-4182-93a4-b5c6d7e8f901");
  } finally {
    if (previous === undefined) delete process.env.NODE_EXTRA_CA_CERTS;
    else process.env.NODE_EXTRA_CA_CERTS = previous;
    await emu.close();
  }
  errors.length = 0;
  await main(["env", "--data-dir", dir, "--wait", "0"], io);
  expect(process.exitCode).toBe(1);
  expect(errors.join("\n")).toContain(`no emulator is running on ${dir}`);
  process.exitCode = 0;
});
