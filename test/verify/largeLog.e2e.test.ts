/**
 * A custody log of 600 MB (past V8's longest string, where `verify` used to die with "Invalid
 * string length") is streamed line by line: verify finishes with a report and exit 3 (0.1-style
 * unchained lines cannot be checked), in bounded memory. Runs the built CLI in a child process
 * so its peak RSS is its own.
 */
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, open, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

const CLI = resolve(__dirname, "../../dist/provider/verify/cli.js");
const LOG_MB = 600;

describe("verify of a 600 MB custody log", () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "large-log-"));
    const line = `${JSON.stringify({ timestamp: "2026-01-01T00:00:00.000Z", event: "requested", actionId: "0c5d1f5e-8a2b-4a6e-9d1c-000000000001", machineId: "a".repeat(40), operator: "analyst@ws", tool: "pulumi-mde-forensics@0.1.0", details: { requestorComment: "x".repeat(180) } })}\n`;
    const chunk = Buffer.from(line.repeat(Math.floor((4 << 20) / line.length)));
    const fh = await open(join(dir, "custody.jsonl"), "w");
    for (let size = 0; size < LOG_MB << 20; size += chunk.length) await fh.write(chunk);
    await fh.close();
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it("streams it: a report, exit 3, no crash, peak RSS far below the log's size", () => {
    if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run \`npm run build\` before the tests`);
    const script = `require(${JSON.stringify(CLI)}).main(["verify", ${JSON.stringify(dir)}], (s) => process.stdout.write(s), (s) => process.stderr.write(s))
      .then((code) => { process.stderr.write("maxRSS=" + process.resourceUsage().maxRSS + "\\n"); process.exit(code); });`;
    const r = spawnSync(process.execPath, ["-e", script], { encoding: "utf8", timeout: 240_000 });
    expect(r.stderr).not.toMatch(/Invalid string length|TypeError/);
    expect(r.status).toBe(3);
    expect(r.stdout).toMatch(/custody\.jsonl: \d{7} line\(s\) written before chaining \(0\.1\.0\) cannot be checked/);
    const rssMiB = Number(/maxRSS=(\d+)/.exec(r.stderr)![1]) / 1024;
    console.log(`verify of a ${LOG_MB} MB log: peak RSS ${rssMiB.toFixed(0)} MiB`);
    expect(rssMiB).toBeLessThan(256);
  }, 300_000);
});
