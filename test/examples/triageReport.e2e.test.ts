/**
 * The triage report as the examples make it, through the real Pulumi CLI against the emulator:
 * examples/sweep with `mde-sweep:reportDirectory` exports `reportPath`, and the report lists
 * exactly the packages the sweep kept; examples/incident-runbook with
 * `incident-runbook:reportDirectory` does the same for its devices. Both stacks sign their
 * evidence (`mde:evidenceSigningKeyFile`): after the report's `reported` custody line,
 * `mde-forensics verify --public-key` must still exit 0 (the head re-signed with the stack's key).
 */
import { generateKeyPairSync } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { DEFAULT_MACHINES } from "../../emulator";
import { TriageReportSchema } from "../../provider/report/schema";
import { main as verifyMain } from "../../provider/verify/cli";
import { EmulatedTenant } from "../helpers/e2e";
import { EXAMPLES, mdeConfig, Stacks, stackFileConfig } from "./helpers";

let tenant: EmulatedTenant;
const stacks = new Stacks();
let keyFile: string;
let pubFile: string;

beforeAll(async () => {
  tenant = await EmulatedTenant.start({ timeScale: 60 });
  const keys = generateKeyPairSync("ed25519");
  keyFile = path.join(tenant.dir, "signing.pem");
  pubFile = path.join(tenant.dir, "signing.pub.pem");
  fs.writeFileSync(keyFile, keys.privateKey.export({ type: "pkcs8", format: "pem" }).toString(), { mode: 0o600 });
  fs.writeFileSync(pubFile, keys.publicKey.export({ type: "spki", format: "pem" }).toString());
});

afterAll(async () => {
  await stacks.dispose();
  await tenant.close();
});

async function verify(dir: string): Promise<{ code: number; text: string }> {
  const text: string[] = [];
  const code = await verifyMain(["verify", dir, "--public-key", pubFile], (s) => void text.push(s), (s) => void text.push(s));
  return { code, text: text.join("") };
}

const reportOf = (reportPath: string) => TriageReportSchema.parse(JSON.parse(fs.readFileSync(path.join(path.dirname(reportPath), "report.json"), "utf8")));
const custodyEvents = (dir: string) => fs.readFileSync(path.join(dir, "custody.jsonl"), "utf8").trim().split("\n").map((l) => JSON.parse(l).event as string);

it("the sweep's reportDirectory: reportPath is the report of the sweep's packages, and the signed evidence still verifies", async () => {
  const evidence = path.join(tenant.dir, "sweep-evidence");
  const reportDir = path.join(tenant.dir, "sweep-report");
  const cli = stacks.open("sweep", `report-sweep-${process.pid}`, tenant);
  cli.setConfig({
    ...mdeConfig(tenant),
    "mde:evidenceSigningKeyFile": { value: keyFile },
    "mde-sweep:select": { value: JSON.stringify({ tag: "finance" }) },
    "mde-sweep:comment": { value: "INC-2323: triage report after the sweep" },
    "mde-sweep:evidenceDirectory": { value: evidence },
    "mde-sweep:reportDirectory": { value: reportDir },
  });
  const up = await cli.ok("up");
  expect(up.outputs.reportPath).toBe(path.join(reportDir, "report.html"));
  expect(fs.statSync(up.outputs.reportPath).size).toBeGreaterThan(1000);
  const kept = Object.values(up.outputs.machines as Record<string, { packagePath: string; packageSha256: string }>);
  expect(kept).toHaveLength(3);
  const report = reportOf(up.outputs.reportPath);
  expect(report.packages.map((p) => [p.file, p.sha256, p.verified]).sort()).toEqual(kept.map((m) => [path.basename(m.packagePath), m.packageSha256, true]).sort());
  expect(report.packages.map((p) => p.machineId).sort()).toEqual([DEFAULT_MACHINES.win11, DEFAULT_MACHINES.mac, DEFAULT_MACHINES.win11b].sort());
  expect(custodyEvents(evidence).at(-1)).toBe("reported");
  const checked = await verify(evidence);
  expect(checked.text).not.toMatch(/not covered by a signature/);
  expect(checked.code).toBe(0);
}, 600_000);

it("the runbook's reportDirectory: reportPath is the report of the incident's packages, and the signed evidence still verifies", async () => {
  const evidence = path.join(tenant.dir, "runbook-evidence", "INC-2041");
  const reportDir = path.join(tenant.dir, "runbook-report");
  const sample = stackFileConfig(path.join(EXAMPLES, "incident-runbook", "Pulumi.incident-2041.yaml"));
  const cli = stacks.open("incident-runbook", `report-runbook-${process.pid}`, tenant);
  cli.setConfig({
    ...sample,
    ...mdeConfig(tenant),
    "mde:evidenceSigningKeyFile": { value: keyFile },
    "incident-runbook:evidenceDirectory": { value: evidence },
    "incident-runbook:reportDirectory": { value: reportDir },
  });
  const up = await cli.ok("up");
  expect(up.outputs.reportPath).toBe(path.join(reportDir, "report.html"));
  const collections = Object.values(up.outputs.collections as Record<string, { packagePath: string; packageSha256: string }>);
  const report = reportOf(up.outputs.reportPath);
  expect(report.packages.map((p) => [p.file, p.sha256, p.verified]).sort()).toEqual(collections.map((c) => [path.basename(c.packagePath), c.packageSha256, true]).sort());
  expect(custodyEvents(evidence).at(-1)).toBe("reported");
  const checked = await verify(evidence);
  expect(checked.text).not.toMatch(/not covered by a signature/);
  expect(checked.code).toBe(0);
}, 600_000);
