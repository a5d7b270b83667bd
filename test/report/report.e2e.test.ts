/**
 * `createReport` on an evidence folder as a responder relies on it: a package that fails its
 * checks is listed as unverified and nothing is drawn from it; every finding's evidence leads to
 * the bytes (package SHA-256, path in the ZIP, the line that shows the indicator); the outputs are
 * exactly report.html, report.json (valid against its schema) and one CSV per finding kind, in
 * --out only; the custody log gains a `reported` line with the report's SHA-256 that `verify`'s
 * chain check accepts; and the CLI dispatcher runs it.
 */
import { appendFileSync, cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { main } from "../../provider/cli";
import { sha256Hex } from "../../provider/evidence/custodyLog";
import { decodeText, splitLines } from "../../provider/report/parse/decode";
import { createReport } from "../../provider/report/run";
import { TriageReportSchema } from "../../provider/report/schema";
import { verifyLocation } from "../../provider/verify/checks";
import { folderSource } from "../../provider/verify/source";
import { fleetScenario, writeFleet, zipEntry } from "../helpers/reportFleet";

const dir = mkdtempSync(join(tmpdir(), "report-"));
const evidence = join(dir, "evidence");
afterAll(() => rmSync(dir, { recursive: true, force: true }));

beforeAll(async () => {
  const plants = [
    { machine: "ws-00001.contoso.local", kind: "temp-listener" as const },
    { machine: "ws-00002.contoso.local", kind: "defender-detection" as const },
    { machine: "ws-00003.contoso.local", kind: "new-local-admin" as const },
  ];
  await writeFleet(evidence, fleetScenario("report-suite", 8, plants, { encoding: "utf-8" }), "report-seed");
});

it("lists a tampered package as unverified, draws nothing from it, and reads the rest", async () => {
  const victim = readdirSync(evidence).find((f) => f.endsWith(".zip"))!;
  const copy = join(dir, "tampered");
  rmSync(copy, { recursive: true, force: true });
  cpSync(evidence, copy, { recursive: true });
  appendFileSync(join(copy, victim), Buffer.from("x"));
  const { report } = await createReport({ location: copy, outDir: join(dir, "tampered-out"), custody: false });
  const row = report.packages.find((p) => p.file === victim)!;
  expect(row.verified).toBe(false);
  expect(row.problems.join(" ")).toMatch(/SHA-256/);
  expect(report.findings.filter((f) => f.evidence.some((e) => e.package === victim))).toEqual([]);
  expect(report.fleet).toMatchObject({ packages: 8, verified: 7, unverified: 1 });
});

it("writes only its files into --out, valid against the schema, and every high finding's evidence shows its indicator", async () => {
  const out = join(dir, "out");
  const before = new Set(readdirSync(evidence));
  const r = await createReport({ location: evidence, outDir: out });
  const files = readdirSync(out).sort();
  expect(files).toEqual(expect.arrayContaining(["report.html", "report.json"]));
  expect(files.every((f) => /^(report\.(html|json)|findings-[a-z0-9_-]+\.csv)$/.test(f))).toBe(true);
  expect(new Set(r.report.findings.map((f) => `findings-${f.kind}.csv`))).toEqual(new Set(files.filter((f) => f.endsWith(".csv"))));
  expect([...readdirSync(evidence)].filter((f) => !before.has(f))).toEqual([]); // custody.jsonl existed: only appended
  const report = TriageReportSchema.parse(JSON.parse(readFileSync(r.json, "utf8")));
  const high = report.findings.filter((f) => f.severity === "high");
  expect(new Set(high.map((f) => f.kind))).toEqual(new Set(["unusual-listener", "user-writable-process", "defender-detection", "rare-group-member", "group-member-added"]));
  for (const f of high) {
    const e = f.evidence[0];
    const zip = readFileSync(join(evidence, e.package));
    expect(sha256Hex(zip)).toBe(e.packageSha256);
    if (e.line) {
      const line = splitLines(decodeText(await zipEntry(zip, e.path)).text)[e.line - 1];
      const indicator = String(f.details.port ?? f.details.threat ?? f.details.member ?? f.details.path);
      expect(`${f.id} ${e.path}:${e.line} ${line}`).toContain(indicator);
    } else expect(e.record).toBeGreaterThan(0);
  }
});

it("appends a `reported` custody line with the report's SHA-256, and the chain still verifies", async () => {
  const out = join(dir, "custody-out");
  const r = await createReport({ location: evidence, outDir: out, clock: { now: () => Date.parse("2025-03-15T08:00:00Z"), sleep: async () => undefined } });
  const lines = readFileSync(join(evidence, "custody.jsonl"), "utf8").trim().split("\n").map((l) => JSON.parse(l));
  const last = lines[lines.length - 1];
  expect(last).toMatchObject({ event: "reported", timestamp: "2025-03-15T08:00:00.000Z", actionId: null, machineId: null });
  expect(last.details.reportSha256).toBe(sha256Hex(readFileSync(r.html)));
  expect(last.details.reportJsonSha256).toBe(sha256Hex(readFileSync(r.json)));
  const verified = await verifyLocation(folderSource(evidence));
  expect(verified.chain.ok).toBe(true);
  expect(verified.problems).toEqual([]);
});

it("runs as `mde-forensics report`, and `mde-forensics verify` still reaches verify", async () => {
  const out: string[] = [];
  const write = process.stdout.write;
  const werr = process.stderr.write;
  process.stdout.write = ((s: string) => (out.push(s), true)) as typeof process.stdout.write;
  process.stderr.write = ((s: string) => (out.push(s), true)) as typeof process.stderr.write;
  try {
    expect(await main(["report", evidence, "--out", join(dir, "cli-out"), "--no-custody", "--quiet"])).toBe(0);
    expect(await main(["report"])).toBe(2);
    expect(await main(["nonsense"])).toBe(2);
    expect(await main(["verify", join(dir, "missing")])).toBe(2);
  } finally {
    process.stdout.write = write;
    process.stderr.write = werr;
  }
  expect(out.join("")).toMatch(/8 package\(s\): 8 verified, 0 unverified[\s\S]*findings: \d+ high/);
  expect(out.join("")).toMatch(/usage: mde-forensics report/);
  expect(out.join("")).toMatch(/unknown command nonsense/);
  expect(statSync(join(dir, "cli-out", "report.html")).size).toBeGreaterThan(1000);
});
