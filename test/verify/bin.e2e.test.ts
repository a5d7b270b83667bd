/**
 * `mde-forensics verify` as the package's bin: the compiled `dist/provider/cli.js` (what
 * package.json "bin" names, which dispatches to verify and report) verifies an intact signed folder and exits with the code it reports.
 * e2e because it needs the build; the verdicts themselves are tested in-process in tamper.test.ts.
 */
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { resolve } from "node:path";
import { signedFolder, type SignedFolder } from "./helpers";

const ROOT = resolve(__dirname, "../..");
// Read, not imported: an imported package.json would be copied into dist/ by the build, where
// it would make dist/ look like the package root to Node and to the scripts.
const BIN = resolve(ROOT, JSON.parse(readFileSync(resolve(ROOT, "package.json"), "utf8")).bin["mde-forensics"]);
let f: SignedFolder;
beforeAll(async () => {
  f = await signedFolder(2);
});
afterAll(() => f.cleanup());

it("runs as the package's bin and exits with the code it reports", () => {
  if (!existsSync(BIN)) throw new Error(`${BIN} is missing: run \`npm run build\` before the tests`);
  const ok = spawnSync(process.execPath, [BIN, "verify", f.dir, "--public-key", f.publicKeyFile], { encoding: "utf8" });
  expect(ok.status).toBe(0);
  const usage = spawnSync(process.execPath, [BIN, "check"], { encoding: "utf8" });
  expect(usage.status).toBe(2);
  expect(usage.stderr).toMatch(/^unknown command check\nusage: mde-forensics <command>/);
  expect(usage.stderr).toMatch(/^ {2}verify <folder \| azblob:\/\/…>/m);
  expect(usage.stderr).toMatch(/^ {2}report <folder \| azblob:\/\/…>/m);
  const help = spawnSync(process.execPath, [BIN, "verify", "--help"], { encoding: "utf8" });
  expect(help.status).toBe(0);
  expect(help.stdout).toMatch(/^usage: mde-forensics verify <location>/);
});
