/**
 * The `mde-emulator` CLI: argument parsing and --help in-process, and one real spawn of the
 * compiled CLI to check the single JSON start line on stdout and a clean stop on SIGTERM.
 */
import { execFileSync, spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { createInterface } from "node:readline";
import { Agent, request } from "undici";
import { main, parseCliArgs, USAGE } from "../../emulator/cli";
import { DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET, DEFAULT_TENANT_ID } from "../../emulator/scenario/defaultScenario";

const repo = resolve(__dirname, "../..");

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

describe("compiled CLI", () => {
  const out = mkdtempSync(join(tmpdir(), "mde-emu-build-"));
  afterAll(() => rmSync(out, { recursive: true, force: true }));

  it("starts, prints one JSON line, serves the API, logs requests to stderr without secrets, stops on SIGTERM", async () => {
    // Only the emulator and what it imports are compiled, so other work in progress cannot break this test.
    execFileSync(process.execPath, [join(repo, "node_modules/typescript/bin/tsc"), "--outDir", out, "--rootDir", repo, "--module", "commonjs", "--target", "ES2022",
      "--esModuleInterop", "--skipLibCheck", "--strict", "--types", "node", "--ignoreConfig", join(repo, "emulator/cli.ts")], { cwd: repo, stdio: "pipe" });
    const child = spawn(process.execPath, [join(out, "emulator/cli.js"), "--port", "0"], {
      env: { ...process.env, NODE_PATH: join(repo, "node_modules") },
      stdio: ["ignore", "pipe", "pipe"],
    });
    const stderr: string[] = [];
    child.stderr.on("data", (d: Buffer) => stderr.push(d.toString()));
    try {
      const first = await new Promise<string>((resolveLine, reject) => {
        createInterface({ input: child.stdout }).once("line", resolveLine);
        child.once("exit", (code) => reject(new Error(`exited ${code}: ${stderr.join("")}`)));
      });
      const info = JSON.parse(first);
      const agent = new Agent({ connect: { ca: readFileSync(info.caFile) } });
      const tok = await request(`${info.authorityHost}/${info.tenantId}/oauth2/v2.0/token`, {
        method: "POST",
        dispatcher: agent,
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams({ grant_type: "client_credentials", client_id: info.clientId, client_secret: info.clientSecret, scope: "https://api.securitycenter.microsoft.com/.default" }).toString(),
      });
      const token = ((await tok.body.json()) as { access_token: string }).access_token;
      const res = await request(`${info.apiUrl}/api/machines`, { dispatcher: agent, headers: { authorization: `Bearer ${token}` } });
      expect(res.statusCode).toBe(200);
      await res.body.dump();
      await agent.close();
      const exited = new Promise<number | null>((r) => child.once("exit", r));
      child.kill("SIGTERM");
      expect(await exited).toBe(0);
      const log = stderr.join("");
      expect(log).toMatch(/GET \/api\/machines 200/);
      expect(log).not.toContain(token);
      expect(log).not.toContain(info.clientSecret);
    } finally {
      child.kill("SIGKILL");
    }
    // Compiling the emulator takes most of it, and well over a minute on a loaded machine.
  }, 240_000);
});
