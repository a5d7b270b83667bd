/**
 * The `mde-emulator` CLI in-process: argument parsing, --help, the start line, a bad scenario.
 * (The compiled CLI in its own process: cli.e2e.test.ts.)
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { main, parseCliArgs, USAGE } from "../../emulator/cli";
import { DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET, DEFAULT_TENANT_ID } from "../../emulator/scenario/defaultScenario";

describe("parseCliArgs", () => {
  it("maps every flag onto options", () => {
    expect(parseCliArgs(["--port", "8443", "--host", "localhost", "--data-dir", "/tmp/x", "--seed", "42", "--time-scale", "60", "--scenario", "s.yaml", "--control", "--quiet", "--faults", '[{"type":"reset","route":"collect"}]'])).toEqual({
      port: 8443, host: "localhost", dataDir: "/tmp/x", seed: "42", timeScale: 60, clock: undefined, scenario: "s.yaml", control: true, quiet: true,
      faults: [{ type: "reset", route: "collect" }],
    });
    expect(parseCliArgs(["--manual-clock"])?.clock).toBe("manual");
    expect(parseCliArgs(["--help"])).toBeUndefined();
  });

  it("rejects unknown flags and non-numbers", () => {
    expect(() => parseCliArgs(["--frobnicate"])).toThrow(/frobnicate/);
    expect(() => parseCliArgs(["--time-scale", "fast"])).toThrow(/--time-scale needs a number/);
    expect(() => parseCliArgs(["--faults", "{nope"])).toThrow(/not valid JSON/);
  });
});

describe("main (in-process)", () => {
  it("prints the usage for --help", async () => {
    const out: string[] = [];
    expect(await main(["--help"], { stdout: (l) => out.push(l), stderr: () => undefined })).toBeUndefined();
    expect(out.join("\n")).toBe(USAGE);
    for (const flag of ["--port", "--host", "--data-dir", "--seed", "--time-scale", "--scenario", "--control", "--faults", "--quiet"]) expect(USAGE).toContain(flag);
  });

  it("prints exactly one JSON line with the connection details on start", async () => {
    const out: string[] = [];
    const dataDir = mkdtempSync(join(tmpdir(), "mde-emu-cli-"));
    const emu = await main(["--quiet", "--data-dir", dataDir], { stdout: (l) => out.push(l), stderr: () => undefined });
    try {
      expect(out).toHaveLength(1);
      const line = JSON.parse(out[0]);
      expect(line).toMatchObject({ tenantId: DEFAULT_TENANT_ID, clientId: DEFAULT_CLIENT_ID, clientSecret: DEFAULT_CLIENT_SECRET, caFile: join(dataDir, "tls", "ca.crt") });
      expect(line.apiUrl).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
      expect(line.authorityHost).toBe(line.apiUrl);
    } finally {
      await emu?.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it("reports a bad scenario on stderr and sets the exit code", async () => {
    const err: string[] = [];
    const before = process.exitCode;
    expect(await main(["--scenario", "/nonexistent.yaml"], { stdout: () => undefined, stderr: (l) => err.push(l) })).toBeUndefined();
    expect(process.exitCode).toBe(1);
    process.exitCode = before;
    expect(err.join("\n")).toMatch(/nonexistent\.yaml/);
  });
});
