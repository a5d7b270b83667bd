/**
 * Trusted time against a real TSA on loopback (`openssl ts -reply`): the provider stamps the
 * custody log after each package is kept and keeps `custody.<N>.tsr` beside it; `openssl ts
 * -verify` accepts every token (the independent check); `verify --tsa-root` checks imprint,
 * signature and chain, and catches a forged token, a foreign root and a log rolled back below a
 * token, signed or not.
 */
import { execFile } from "node:child_process";
import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { EVIDENCE_TRUSTED_TIME } from "../readme/documentedSteps";
import { stepsOf, substitute } from "../readme/readmeSteps";
import { readLog, verify, writeRelinked } from "./forge";
import { signedFolder, type SignedFolder } from "./helpers";
import { makeCa, opensslAvailable, startTestTsa, type TestTsa } from "./testTsa";

const run = promisify(execFile);
const haveOpenssl = opensslAvailable();
if (!haveOpenssl) console.warn("skipping trusted-time tests: openssl is not installed (apt-get install openssl)");
const describeTsa = haveOpenssl ? describe : describe.skip;

describeTsa("trusted time (RFC 3161) against a loopback TSA", () => {
  let work: string;
  let tsa: TestTsa;
  let f: SignedFolder;
  let unsigned: SignedFolder;
  let otherCa: string;
  const tokensOf = async (dir: string) => (await readdir(dir)).filter((n) => /^custody\.\d+\.tsr$/.test(n)).sort();

  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), "tsa-"));
    tsa = await startTestTsa(work);
    const timestamp = { url: tsa.url, rootsPem: await readFile(tsa.caFile, "utf8") };
    f = await signedFolder(2, { handler: { timestamp } });
    unsigned = await signedFolder(2, { signed: false, handler: { timestamp } });
    otherCa = (await makeCa(work, "other")).caFile;
  }, 60_000);
  afterAll(async () => {
    await tsa?.close();
    await f?.cleanup();
    await unsigned?.cleanup();
    await rm(work, { recursive: true, force: true });
  });

  it("keeps one token per kept package beside the log, and `openssl ts -verify` accepts each over the log's first N lines", async () => {
    const tokens = await tokensOf(f.dir);
    expect(tokens).toHaveLength(2);
    const lines = (await readFile(join(f.dir, "custody.jsonl"), "utf8")).split("\n");
    for (const token of tokens) {
      const n = Number(/\d+/.exec(token)![0]);
      expect(JSON.parse(lines[n - 1]).event).toBe("claimed");
      const prefix = join(work, `prefix-${n}`);
      await writeFile(prefix, lines.slice(0, n).map((l) => `${l}\n`).join(""));
      const { stdout } = await run("openssl", ["ts", "-verify", "-data", prefix, "-in", join(f.dir, token), "-CAfile", tsa.caFile, "-untrusted", tsa.tsaCertFile]);
      expect(stdout).toContain("Verification: OK");
    }
  });

  it("docs/evidence.md's openssl check, as written, accepts a token in the evidence folder", async () => {
    const dir = await f.copy("documented-check");
    const n = Number(/\d+/.exec((await tokensOf(dir))[1])![0]);
    const [steps] = stepsOf(EVIDENCE_TRUSTED_TIME);
    const { stdout } = await run("bash", ["--norc", "-c", `set -e -o pipefail\n${substitute(steps, { "<line count>": String(n), "<tsa root pem>": tsa.caFile })}`], { cwd: dir });
    expect(stdout).toContain("Verification: OK");
  });

  it("verify --tsa-root: exit 0 with the trusted key, each token's time and TSA shown", async () => {
    const r = await verify(f.dir, [f.publicKeyFile], ["--tsa-root", tsa.caFile]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/time-stamp custody\.\d+\.tsr: first \d+ line\(s\) at \d{4}-\d\d-\d\dT[\d:.]+Z by CN=Loopback Test TSA, TSA trusted/);
    const report = await verify(f.dir, [f.publicKeyFile], ["--tsa-root", tsa.caFile, "--report"]);
    expect(report.stdout).toMatch(/TSA chained to a supplied root/);
  });

  it("without --tsa-root the time is shown as the token's claim, and does not change the exit", async () => {
    const r = await verify(f.dir, [f.publicKeyFile]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("TSA not checked (no --tsa-root)");
  });

  it("refuses tokens whose TSA does not chain to the given root", async () => {
    const r = await verify(f.dir, [f.publicKeyFile], ["--tsa-root", otherCa]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/custody\.\d+\.tsr: its TSA certificate does not chain to a given root/);
  });

  it("refuses a token with a byte flipped, and a token moved to another line count", async () => {
    const dir = await f.copy("tsr-forged");
    const [first, second] = await tokensOf(dir);
    const bytes = await readFile(join(dir, second));
    bytes[bytes.length - 20] ^= 0x01;
    await writeFile(join(dir, second), bytes);
    await rm(join(dir, first));
    await writeFile(join(dir, first.replace(/\d+/, (n) => String(Number(n) - 1))), await readFile(join(f.dir, first)));
    const r = await verify(dir, [f.publicKeyFile], ["--tsa-root", tsa.caFile]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(new RegExp(`${second.replace(".", "\\.")}: (its signature does not hold|not an RFC 3161)`));
    expect(r.stdout).toMatch(/custody\.\d+\.tsr: it stamps SHA-256 [0-9a-f]{64}, not [0-9a-f]{64}/);
  });

  it("catches unsigned evidence rolled back below a token, without any key", async () => {
    const dir = await unsigned.copy("rolled-back");
    const [first] = await tokensOf(dir);
    const n = Number(/\d+/.exec(first)![0]);
    for (const name of await readdir(dir)) if (name.startsWith(unsigned.bases[1])) await rm(join(dir, name));
    await writeRelinked(dir, (await readLog(dir)).slice(0, n - 1));
    const r = await verify(dir, [], ["--tsa-root", tsa.caFile]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/custody\.\d+\.tsr stamps the log's first \d+ line\(s\), but it has only \d+ \(truncated or rolled back\)/);
  });
});
