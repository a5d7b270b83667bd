/**
 * Trusted time is opt-in and all-or-nothing: a TSA URL without the root to check it against (or
 * the reverse) stops the run at its start; a TSA that fails later never costs the package: it is
 * kept, and a `failed` custody line with `stage: timestamp` says what happened.
 */
import { readdir } from "node:fs/promises";
import { timestampFromConfig } from "../../provider/evidence/timestamp/settings";
import { readLog } from "./forge";
import { signedFolder } from "./helpers";

describe("trusted time settings", () => {
  const config = (values: Record<string, string>) => (key: string) => values[key];

  it("is off unless asked for", () => {
    expect(timestampFromConfig(config({}), {})).toBeUndefined();
  });

  it.each([
    [{ "mde:evidenceTimestampUrl": "https://tsa.example.test/tsr" }, /needs both mde:evidenceTimestampUrl and mde:evidenceTimestampRootFile/],
    [{ "mde:evidenceTimestampRootFile": "root.pem" }, /needs both/],
    [{ "mde:evidenceTimestampUrl": "ftp://tsa.example.test", "mde:evidenceTimestampRootFile": "root.pem" }, /must be an http\(s\) URL/],
    [{ "mde:evidenceTimestampUrl": "https://tsa.example.test", "mde:evidenceTimestampRootFile": "/nonexistent/root.pem" }, /cannot read a PEM certificate from \/nonexistent\/root\.pem \(ENOENT\)/],
  ])("refuses %j at the start", (values, message) => {
    expect(() => timestampFromConfig(config(values), {})).toThrow(message);
  });

  it("keeps the package when the TSA cannot be reached, and records why in the custody log", async () => {
    const f = await signedFolder(1, { handler: { timestamp: { url: "http://127.0.0.1:9/tsa", rootsPem: "unused", timeoutMs: 2_000 } } });
    try {
      expect((await readdir(f.dir)).filter((n) => n.endsWith(".tsr"))).toEqual([]);
      const lines = await readLog(f.dir);
      expect(lines.map((l) => l.event)).toContain("claimed");
      expect(lines.at(-1)).toMatchObject({ event: "failed", details: { stage: "timestamp", error: expect.stringMatching(/time-stamping authority http:\/\/127\.0\.0\.1:9 cannot be reached/) } });
    } finally {
      await f.cleanup();
    }
  });
});
