/**
 * scripts/lib/childJson: the last stdout line is the result; a child without one is an error that
 * shows its output (redacted); a stopped child is ChildStopped, which the quota-share bench counts
 * as a runner killed at its deadline rather than a failure.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ChildStopped, childJson } from "../../scripts/lib/childJson";

const dir = mkdtempSync(join(tmpdir(), "child-json-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const script = (name: string, body: string) => {
  writeFileSync(join(dir, name), body);
  return join(dir, name);
};

describe("childJson", () => {
  it("resolves with the last stdout line as JSON, and the child's stderr", async () => {
    const s = script("ok.js", `console.log("progress"); console.error("warned"); console.log(JSON.stringify({ n: Number(process.argv[2]) + 1 }));`);
    await expect(childJson<{ n: number }>(s, ["41"], process.env)).resolves.toEqual({ result: { n: 42 }, stderr: "warned\n" });
  });

  it("rejects a child without a JSON result with its exit code and output, the secret it was given redacted", async () => {
    const s = script("bad.js", `console.error("boom with " + process.env.AZURE_CLIENT_SECRET); process.exit(3);`);
    const secret = "Abc~def.SuperSecret_0123456789";
    const failed = childJson(s, [], { ...process.env, AZURE_CLIENT_SECRET: secret });
    await expect(failed).rejects.toThrow(/exited 3 without a result:[\s\S]*boom with/);
    await expect(failed).rejects.not.toThrow(secret);
  });

  it("kills the child when the signal aborts and rejects with ChildStopped", async () => {
    const s = script("slow.js", `setTimeout(() => console.log("{}"), 60_000);`);
    const stop = new AbortController();
    const run = childJson(s, [], process.env, stop.signal);
    stop.abort();
    await expect(run).rejects.toBeInstanceOf(ChildStopped);
  });
});
