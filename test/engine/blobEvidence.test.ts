/**
 * Blob evidence through the real engine: `pulumi up` keeps two devices' packages in a container
 * on Azurite (HTTPS, OAuth), signed with a key held as a Pulumi secret config value, using the
 * same credential as MDE (client secret against the emulator's token endpoint). `verify` of the
 * container with the public key passes; the state holds neither the key nor a token.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { generateKeyPairSync } from "node:crypto";
import { ClientSecretCredential } from "@azure/identity";
import { ContainerClient } from "@azure/storage-blob";
import { DEFAULT_MACHINES } from "../../emulator";
import { blobSource } from "../../provider/verify/blobSource";
import { verifyLocation } from "../../provider/verify/checks";
import { type AzuriteHandle, startAzurite, trustCaInProcess } from "../../scripts/lib/azurite";
import { emulatorStackConfig } from "../../scripts/lib/emulatorConfig";
import { EmulatedTenant } from "../helpers/e2e";

let tenant: EmulatedTenant;
let azurite: AzuriteHandle;
let tlsDir: string;

beforeAll(async () => {
  tlsDir = fs.mkdtempSync(path.join(require("node:os").tmpdir(), "pmf-blob-tls-"));
  // One CA for the emulator and Azurite: the provider host trusts it through NODE_EXTRA_CA_CERTS.
  tenant = await EmulatedTenant.start({ timeScale: 60, tlsDir });
  azurite = await startAzurite(tlsDir);
  trustCaInProcess(tenant.emulator.caFile);
});
afterAll(async () => {
  await tenant?.close();
  await azurite?.close();
  fs.rmSync(tlsDir, { recursive: true, force: true });
});

it("keeps signed evidence in a blob container that verify accepts, with no key or token in state", async () => {
  const e = tenant.emulator;
  const credential = new ClientSecretCredential(e.tenantId, e.clientId, e.clientSecret, { authorityHost: e.authorityHost, disableInstanceDiscovery: true });
  await new ContainerClient(`${azurite.endpoint}/evidence`, credential).create();
  const keys = generateKeyPairSync("ed25519");
  const pem = keys.privateKey.export({ type: "pkcs8", format: "pem" }).toString();
  const evidence = `azblob://devstoreaccount1/evidence/INC-12?endpoint=${azurite.endpoint}`;
  const cli = tenant.stack("blob", {});
  cli.setConfig({
    ...emulatorStackConfig(e, tenant.timeScale),
    "mde:evidenceSigningKey": { value: pem, secret: true },
    "collections-e2e:collections": {
      value: JSON.stringify({
        ws: { machineId: DEFAULT_MACHINES.win11, comment: "INC-12: blob", evidence },
        srv: { machineId: DEFAULT_MACHINES.linux, comment: "INC-12: blob", evidence },
      }),
    },
  });

  const { ws, srv } = (await cli.ok("up")).outputs.results;
  expect(ws.packagePath).toBe(`azblob://devstoreaccount1/evidence/INC-12/${DEFAULT_MACHINES.win11}-${ws.actionId}.zip`);
  expect(srv.packageSha256).toMatch(/^[0-9a-f]{64}$/);
  expect(e.counters().packageUriCalls[ws.actionId]).toBe(1);

  const report = await verifyLocation(await blobSource(evidence, credential), keys.publicKey);
  expect(report.problems).toEqual([]);
  expect(report.rows.map((r) => [r.sha256, r.chain, r.signature]).sort()).toEqual([[srv.packageSha256, "ok", "ok"], [ws.packageSha256, "ok", "ok"]].sort());

  const state = fs.readdirSync(path.join(cli.stateDir, ".pulumi"), { recursive: true, withFileTypes: true })
    .filter((f) => f.isFile())
    .map((f) => fs.readFileSync(path.join(f.parentPath, f.name), "utf8"))
    .join("\n");
  expect(state).not.toContain(pem.split("\n")[1]);
  expect(state).not.toMatch(/Bearer|eyJ[A-Za-z0-9_-]{10,}\.|sig=|token=/);
});
