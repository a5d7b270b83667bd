/**
 * Blob evidence through both incident examples, as their READMEs tell a user to ask for it:
 * examples/incident-runbook with `incident-runbook:evidenceDirectory: azblob://…`, and
 * examples/gitops with `EVIDENCE_URL` (its workflow's repository variable). The packages must
 * reach the container on Azurite (HTTPS, OAuth, the MDE credential) and nothing may land in a
 * local `azblob:` folder. Before issue #21 the runbook's `path.resolve` turned the destination
 * into `./azblob:/…` and `up` exited 0. And a location that looks like a URL but is no blob
 * destination is refused at preview, before anything is collected.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { ClientSecretCredential } from "@azure/identity";
import { ContainerClient } from "@azure/storage-blob";
import { DEFAULT_MACHINES } from "../../emulator";
import { type AzuriteHandle, startAzurite, trustCaInProcess } from "../../scripts/lib/azurite";
import { EmulatedTenant } from "../helpers/e2e";
import { EXAMPLES, mdeConfig, Stacks, stackFileConfig } from "./helpers";

let tenant: EmulatedTenant;
let azurite: AzuriteHandle;
let container: ContainerClient;
const tlsDir = fs.mkdtempSync(path.join(os.tmpdir(), "pmf-example-blob-"));
const stacks = new Stacks();

beforeAll(async () => {
  // One CA for the emulator and Azurite, which the provider host trusts through NODE_EXTRA_CA_CERTS.
  tenant = await EmulatedTenant.start({ timeScale: 60, tlsDir });
  azurite = await startAzurite(tlsDir);
  trustCaInProcess(tenant.emulator.caFile);
  const e = tenant.emulator;
  const credential = new ClientSecretCredential(e.tenantId, e.clientId, e.clientSecret, { authorityHost: e.authorityHost, disableInstanceDiscovery: true });
  container = new ContainerClient(`${azurite.endpoint}/evidence`, credential);
  await container.create();
});

afterAll(async () => {
  await stacks.dispose();
  await tenant?.close();
  await azurite?.close();
  fs.rmSync(tlsDir, { recursive: true, force: true });
});

async function blobNames(prefix: string): Promise<string[]> {
  const names: string[] = [];
  for await (const b of container.listBlobsFlat({ prefix })) names.push(b.name);
  return names.sort();
}

/** Folders named like a URL scheme anywhere under `dir`: where a mangled destination would have gone. */
function schemeFolders(dir: string): string[] {
  return fs.readdirSync(dir, { recursive: true, encoding: "utf8" }).filter((p) => /(^|\/)azblob:$/.test(p));
}

const packagesFor = (names: string[], machineIds: string[]) => machineIds.map((id) => names.filter((n) => n.includes(`/${id}-`) && n.endsWith(".zip")).length);

it("the runbook keeps its packages in the container its config names", async () => {
  const destination = `azblob://devstoreaccount1/evidence/INC-2041?endpoint=${azurite.endpoint}`;
  const sample = stackFileConfig(path.join(EXAMPLES, "incident-runbook", "Pulumi.incident-2041.yaml"));
  const cli = stacks.open("incident-runbook", `blob-runbook-${process.pid}`, tenant);
  cli.setConfig({ ...sample, ...mdeConfig(tenant), "incident-runbook:evidenceDirectory": { value: destination } });

  const up = await cli.ok("up");
  const c = up.outputs.collections;
  for (const device of Object.keys(c)) expect(c[device].packagePath).toMatch(/^azblob:\/\/devstoreaccount1\/evidence\/INC-2041\/[0-9a-f]{40}-.+\.zip$/);
  const names = await blobNames("INC-2041/");
  expect(packagesFor(names, [DEFAULT_MACHINES.win11, DEFAULT_MACHINES.linux])).toEqual([1, 1]);
  expect(names).toContain("INC-2041/custody.jsonl");
  expect(schemeFolders(path.join(EXAMPLES, "incident-runbook"))).toEqual([]);
}, 300_000);

it("gitops keeps its packages under <EVIDENCE_URL>/<incident>, as the workflow's variable says", async () => {
  const incidents = fs.mkdtempSync(path.join(os.tmpdir(), "pmf-gitops-blob-"));
  const stack = `blob-gitops-${process.pid}`;
  fs.writeFileSync(path.join(incidents, `${stack}.yaml`), "incident: INC-3001\nreason: blob evidence\ndevices: [mac-ws01.contoso.local]\n");
  const evidenceRoot = path.join(incidents, "evidence-root");
  const cli = stacks.open("gitops", stack, tenant);
  cli.setConfig({ ...mdeConfig(tenant), "incident-gitops:incidentsDirectory": { value: incidents } });

  const up = await cli.ok("up", { EVIDENCE_URL: `azblob://devstoreaccount1/evidence?endpoint=${azurite.endpoint}`, EVIDENCE_ROOT: evidenceRoot });
  expect(up.outputs.collections["mac-ws01.contoso.local"].packagePath).toMatch(/^azblob:\/\/devstoreaccount1\/evidence\/INC-3001\//);
  expect(packagesFor(await blobNames("INC-3001/"), [DEFAULT_MACHINES.mac])).toEqual([1]);
  expect(fs.existsSync(evidenceRoot)).toBe(false);
  expect(schemeFolders(path.join(EXAMPLES, "gitops"))).toEqual([]);
  fs.rmSync(incidents, { recursive: true, force: true });
}, 300_000);

it("refuses, at preview, an evidence location that looks like a URL but is no blob destination", async () => {
  const sample = stackFileConfig(path.join(EXAMPLES, "incident-runbook", "Pulumi.incident-2041.yaml"));
  const cli = stacks.open("incident-runbook", `url-path-${process.pid}`, tenant);
  cli.setConfig({ ...sample, ...mdeConfig(tenant), "incident-runbook:evidenceDirectory": { value: "https://contosoir.blob.core.windows.net/evidence" } });
  const before = tenant.apiRequests();
  const preview = await cli.run("preview");
  expect(preview.code).not.toBe(0);
  expect(preview.stdout + preview.stderr).toContain("evidenceDirectory 'https://contosoir.blob.core.windows.net/evidence' looks like a URL");
  expect(tenant.apiRequests()).toBe(before);
}, 300_000);
