/**
 * The `mde-emulator` CLI compiled and spawned as a user runs it: the single JSON start line on
 * stdout, the API served, requests logged to stderr without secrets, a clean stop on SIGTERM.
 * e2e: it compiles the emulator with tsc in a child process first.
 */
import { execFileSync, spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { createInterface } from "node:readline";
import { Agent, request } from "undici";

const repo = resolve(__dirname, "../..");

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
