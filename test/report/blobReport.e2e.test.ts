/**
 * `mde-forensics report azblob://…` as a responder runs it on evidence the provider kept in a
 * blob container: Azurite over HTTPS with OAuth, signed in with the provider's own settings from
 * the environment (tenant, client, secret, the emulator's authority host; DefaultAzureCredential
 * could not reach an emulated or sovereign sign-in host). The packages are real MDE-shaped ones
 * from the emulator's builder, kept by the real evidence handler and signed. The report names
 * them, its `reported` line lands in the custody blob with the report's SHA-256, and `verify`
 * still passes afterwards: exit 0 with the key (the head re-signed), 3 for an unsigned container.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { generateKeyPairSync } from "node:crypto";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ClientSecretCredential } from "@azure/identity";
import { ContainerClient } from "@azure/storage-blob";
import { type EmulatorHandle, startEmulator } from "../../emulator";
import { PackageBuilder } from "../../emulator/packages/packages";
import { sha256Hex } from "../../provider/evidence/custodyLog";
import { reportMain } from "../../provider/report/cli";
import { TriageReportSchema } from "../../provider/report/schema";
import { main as verifyMain } from "../../provider/verify/cli";
import { type AzuriteHandle, startAzurite, trustCaInProcess } from "../../scripts/lib/azurite";
import { succeededOutputs } from "../evidence/helpers/fixtures";
import { harness } from "../evidence/helpers/harness";
import { actionFor, fleetScenario } from "../helpers/reportFleet";

const tlsDir = mkdtempSync(join(tmpdir(), "report-blob-"));
let emulator: EmulatorHandle;
let azurite: AzuriteHandle;
let credential: ClientSecretCredential;
const keys = generateKeyPairSync("ed25519");
const keyFile = join(tlsDir, "signing.pem");
const pubFile = join(tlsDir, "signing.pub.pem");

beforeAll(async () => {
  emulator = await startEmulator({ quiet: true, seed: "report-blob", tlsDir });
  azurite = await startAzurite(tlsDir);
  trustCaInProcess(emulator.caFile);
  credential = new ClientSecretCredential(emulator.tenantId, emulator.clientId, emulator.clientSecret, { authorityHost: emulator.authorityHost, disableInstanceDiscovery: true });
  writeFileSync(keyFile, keys.privateKey.export({ type: "pkcs8", format: "pem" }).toString(), { mode: 0o600 });
  writeFileSync(pubFile, keys.publicKey.export({ type: "spki", format: "pem" }).toString());
});
afterAll(async () => {
  await azurite?.close();
  await emulator?.close();
  rmSync(tlsDir, { recursive: true, force: true });
});

/** The provider's sign-in settings, as a responder's shell would hold them. */
const signIn = () => ({ AZURE_TENANT_ID: emulator.tenantId, AZURE_CLIENT_ID: emulator.clientId, AZURE_CLIENT_SECRET: emulator.clientSecret, AZURE_AUTHORITY_HOST: emulator.authorityHost });

async function cli(main: (write: (s: string) => void) => Promise<number>, env: Record<string, string>): Promise<{ code: number; text: string }> {
  const text: string[] = [];
  const saved = { ...process.env };
  Object.assign(process.env, env);
  try {
    return { code: await main((s) => void text.push(s)), text: text.join("") };
  } finally {
    process.env = saved;
  }
}

/** A container holding three packages of a scenario (one with a Defender detection), kept by the provider's evidence handler. */
async function keptContainer(name: string, signed: boolean): Promise<{ where: string; client: ContainerClient; files: string[] }> {
  const client = new ContainerClient(`${azurite.endpoint}/${name}`, credential);
  await client.create();
  const where = `azblob://devstoreaccount1/${name}/INC-23?endpoint=${azurite.endpoint}`;
  const scenario = fleetScenario("report-blob", 3, [{ machine: "ws-00001.contoso.local", kind: "defender-detection" }]);
  const builder = new PackageBuilder("report-blob-seed", scenario);
  const h = await harness({ blobCredential: () => credential, ...(signed ? { signingKey: { file: keyFile, origin: "test key" } } : {}) });
  const files: string[] = [];
  try {
    await h.handler.preflight(where);
    let n = 0;
    for (const m of scenario.machines) {
      const action = actionFor(m, ++n);
      h.storage.packages.set(action.id, (await builder.build(action)).bytes);
      await h.handler.fetch(succeededOutputs(where, { machineId: m.id, actionId: action.id, computerDnsName: m.computerDnsName }), { adopted: false });
      files.push(`${m.id}-${action.id}.zip`);
    }
  } finally {
    await h.close();
  }
  return { where, client, files };
}

const custodyLines = async (client: ContainerClient) =>
  (await client.getBlobClient("INC-23/custody.jsonl").downloadToBuffer()).toString("utf8").trim().split("\n").map((l) => JSON.parse(l));

it("reports a signed container in place; the reported line is in the custody blob and verify --public-key still exits 0", async () => {
  const { where, client, files } = await keptContainer(`signed-${process.pid}`, true);
  const out = join(tlsDir, "out-signed");
  const verify = () => cli((w) => verifyMain(["verify", where, "--public-key", pubFile], w, w), signIn());
  expect((await verify()).code).toBe(0);

  const r = await cli((w) => reportMain([where, "--out", out, "--signing-key", keyFile, "--quiet"], w, w), signIn());
  expect(r.text).toMatch(/3 package\(s\): 3 verified, 0 unverified/);
  expect(r.code).toBe(0);
  const report = TriageReportSchema.parse(JSON.parse(readFileSync(join(out, "report.json"), "utf8")));
  expect(report.packages.map((p) => p.file).sort()).toEqual([...files].sort());
  expect(report.findings.some((f) => f.kind === "defender-detection" && f.computerDnsName === "ws-00001.contoso.local")).toBe(true);

  const last = (await custodyLines(client)).at(-1);
  expect(last).toMatchObject({ event: "reported", actionId: null, details: { packages: 3, unverified: 0 } });
  expect(last.details.reportSha256).toBe(sha256Hex(readFileSync(join(out, "report.html"))));
  expect(last.details.reportJsonSha256).toBe(sha256Hex(readFileSync(join(out, "report.json"))));

  const after = await verify();
  expect(after.text).not.toMatch(/not covered by a signature/);
  expect(after.code).toBe(0);
}, 180_000);

it("refuses a signed container without its key, leaving the custody blob as it was", async () => {
  const { where, client } = await keptContainer(`nokey-${process.pid}`, true);
  const before = (await custodyLines(client)).length;
  const r = await cli((w) => reportMain([where, "--out", join(tlsDir, "out-nokey"), "--quiet"], w, w), signIn());
  expect(r.code).toBe(2);
  expect(r.text).toMatch(/is signed .*--signing-key/);
  expect(await custodyLines(client)).toHaveLength(before);
}, 180_000);

it("an unsigned container stays intact but unsigned (verify exit 3) after a report", async () => {
  const { where, client } = await keptContainer(`unsigned-${process.pid}`, false);
  expect((await cli((w) => reportMain([where, "--out", join(tlsDir, "out-unsigned"), "--quiet"], w, w), signIn())).code).toBe(0);
  expect((await custodyLines(client)).at(-1)).toMatchObject({ event: "reported" });
  expect((await cli((w) => verifyMain(["verify", where], w, w), signIn())).code).toBe(3);
}, 180_000);

it("signs in from the flags verify takes (tenant, client, authority host), the secret from the environment only", async () => {
  const { where } = await keptContainer(`flags-${process.pid}`, false);
  const flags = ["--tenant-id", emulator.tenantId, "--client-id", emulator.clientId, "--authority-host", emulator.authorityHost];
  const saved = { AZURE_TENANT_ID: process.env.AZURE_TENANT_ID, AZURE_CLIENT_ID: process.env.AZURE_CLIENT_ID, AZURE_AUTHORITY_HOST: process.env.AZURE_AUTHORITY_HOST };
  for (const k of Object.keys(saved)) delete process.env[k];
  try {
    const r = await cli((w) => reportMain([where, "--out", join(tlsDir, "out-flags"), "--no-custody", "--quiet", ...flags], w, w), { AZURE_CLIENT_SECRET: emulator.clientSecret });
    expect(r.text).toMatch(/3 package\(s\): 3 verified, 0 unverified/);
    expect(r.code).toBe(0);
    // A secret is never an argument: there is no such flag.
    const secret = await cli((w) => reportMain([where, "--out", join(tlsDir, "out-flags"), "--client-secret", emulator.clientSecret, ...flags], w, w), {});
    expect(secret.code).toBe(2);
    expect(secret.text).toMatch(/Unknown option '--client-secret'/);
  } finally {
    for (const [k, v] of Object.entries(saved)) if (v !== undefined) process.env[k] = v;
  }
}, 180_000);
