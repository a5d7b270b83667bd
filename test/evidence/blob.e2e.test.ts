/**
 * Evidence to Azure Blob Storage, for real: Azurite over HTTPS with OAuth, reached through
 * @azure/storage-blob with a token from real @azure/identity against the MDE emulator's token
 * endpoint (the credential chain MDE uses). The package comes from the loopback storage server.
 */
import { ClientSecretCredential } from "@azure/identity";
import { ContainerClient } from "@azure/storage-blob";
import { generateKeyPairSync } from "node:crypto";
import { type EmulatorHandle } from "../../emulator";
import { exitCodeOf, verifyLocation } from "../../provider/verify/checks";
import { blobSource } from "../../provider/verify/blobSource";
import { type AzuriteHandle } from "../../scripts/lib/azurite";
import { ACTION_ID, buildZip, MACHINE_ID, sha256, succeededOutputs } from "./helpers/fixtures";
import { expectNoLinkLeak, harness, type Harness, rejection } from "./helpers/harness";
import { blobTenant } from "../helpers/blobTenant";

const BASE = `${MACHINE_ID}-${ACTION_ID}`;

const tenant = blobTenant("blob");
let emulator: EmulatorHandle;
let azurite: AzuriteHandle;
let credential: ClientSecretCredential;
beforeAll(() => {
  ({ emulator, azurite, credential } = tenant());
});

let containerSeq = 0;
async function newContainer(): Promise<{ name: string; client: ContainerClient; location: (prefix?: string, opts?: string) => string }> {
  const name = `evidence-${process.pid}-${++containerSeq}`;
  const client = new ContainerClient(`${azurite.endpoint}/${name}`, credential);
  await client.create();
  return { name, client, location: (prefix = "INC-12", opts = "") => `azblob://devstoreaccount1/${name}/${prefix}?endpoint=${azurite.endpoint}${opts}` };
}

describe("evidence in a blob container (Azurite)", () => {
  let h: Harness;
  let zip: Buffer;
  beforeEach(async () => {
    h = await harness({ blobCredential: () => credential });
    zip = await buildZip(3 * 1024 * 1024 + 123);
    h.storage.packages.set(ACTION_ID, zip);
  });
  afterEach(() => h.close());

  it("streams the package into a create-only blob with action, machine and hash metadata; manifest and custody beside it; verify passes", async () => {
    const c = await newContainer();
    const where = c.location();
    await h.handler.preflight(where);
    await h.handler.record(where, "requested", succeededOutputs(where, { status: "Pending" }));
    const out = await h.handler.fetch(succeededOutputs(where), { adopted: false });

    expect(out).toEqual({
      packagePath: `azblob://devstoreaccount1/${c.name}/INC-12/${BASE}.zip`,
      packageSha256: sha256(zip),
      packageSizeBytes: zip.length,
      manifestPath: `azblob://devstoreaccount1/${c.name}/INC-12/${BASE}.json`,
    });
    expect(h.api.calls).toHaveLength(1);
    const blob = c.client.getBlobClient(`INC-12/${BASE}.zip`);
    expect((await blob.downloadToBuffer()).equals(zip)).toBe(true);
    expect((await blob.getProperties()).metadata).toEqual({ actionid: ACTION_ID, machineid: MACHINE_ID, sha256: sha256(zip) });
    const names: string[] = [];
    for await (const b of c.client.listBlobsFlat({ prefix: "INC-12/" })) names.push(b.name);
    expect(names.sort()).toEqual([`INC-12/${BASE}.json`, `INC-12/${BASE}.zip`, "INC-12/custody.jsonl"]);

    const report = await verifyLocation(await blobSource(where, credential));
    expect(report.problems).toEqual([]);
    expect(report.rows).toMatchObject([{ package: `${BASE}.zip`, sha256: sha256(zip), chain: "ok", signature: "unsigned" }]);
    expect(report.chain.lines).toBe(5); // requested, succeeded, downloaded, verified, claimed
    await expectNoLinkLeak(h);
  });

  it("signs the head over the whole custody blob: verify with the key establishes everything (exit 0), and names a blob under a deeper prefix", async () => {
    const keys = generateKeyPairSync("ed25519");
    const signer = h.another({ blobCredential: () => credential, signingKey: { pem: keys.privateKey.export({ type: "pkcs8", format: "pem" }).toString(), origin: "test key" } });
    const c = await newContainer();
    const where = c.location();
    await signer.fetch(succeededOutputs(where), { adopted: false });
    const report = await verifyLocation(await blobSource(where, credential), { publicKeys: [keys.publicKey] });
    expect({ problems: report.problems, unproven: report.unproven }).toEqual({ problems: [], unproven: [] });
    expect(report.chain).toMatchObject({ head: "signed", lines: 4, coveredLines: 4 });
    expect(exitCodeOf(report)).toBe(0);
    await c.client.getBlockBlobClient(`INC-12/sub/${BASE}.zip`).upload("x", 1);
    expect((await verifyLocation(await blobSource(where, credential), { publicKeys: [keys.publicKey] })).problems).toEqual(["sub: unaccounted for (a directory)"]);
  });

  it("reuses a kept blob on a later fetch: no GetPackageUri call, no download", async () => {
    const c = await newContainer();
    const where = c.location();
    await h.handler.fetch(succeededOutputs(where), { adopted: false });
    const again = await h.another({ blobCredential: () => credential }).fetch(succeededOutputs(where), { adopted: false });
    expect(again.packageSha256).toBe(sha256(zip));
    expect(h.api.calls).toHaveLength(1);
    expect(h.storage.requests).toHaveLength(1);
  });

  it("leaves a foreign blob with other bytes alone and reports it", async () => {
    const c = await newContainer();
    await c.client.getBlockBlobClient(`INC-12/${BASE}.zip`).upload("not the package", 15);
    const err = await rejection(h, h.handler.fetch(succeededOutputs(c.location()), { adopted: false }));
    expect(err.message).toMatch(new RegExp(`${BASE}\\.zip already exists with SHA-256 \\(none recorded\\), but MDE's package has SHA-256 ${sha256(zip)}\\. It was left untouched`));
    expect((await c.client.getBlobClient(`INC-12/${BASE}.zip`).downloadToBuffer()).toString()).toBe("not the package");
  });

  it("leaves no blob that looks complete when the download fails", async () => {
    const c = await newContainer();
    h.storage.script.push("truncate", "truncate", "truncate", "truncate", "truncate");
    await rejection(h, h.handler.fetch(succeededOutputs(c.location()), { adopted: false }));
    expect(await c.client.getBlobClient(`INC-12/${BASE}.zip`).exists()).toBe(false);
    expect(await c.client.getBlobClient(`INC-12/${BASE}.json`).exists()).toBe(false);
  });

  it("refuses, before anything is collected: a missing container, one without immutability when asked, an unreachable host, a refused identity", async () => {
    const c = await newContainer();
    await expect(h.handler.preflight(`azblob://devstoreaccount1/nosuchcontainer/x?endpoint=${azurite.endpoint}`)).rejects.toThrow(
      /evidence azblob:\/\/devstoreaccount1\/nosuchcontainer\/x\?endpoint=.*: the container nosuchcontainer at .* cannot be reached: it does not exist \(ContainerNotFound\); create it first/,
    );
    await expect(h.handler.preflight(c.location("INC-12", "&legalHold=true"))).rejects.toThrow(
      new RegExp(`the container ${c.name} has no version-level immutability, so a legal hold cannot be set on each blob\\..*Nothing was collected`),
    );
    await expect(h.handler.preflight(`azblob://devstoreaccount1/${c.name}/x?endpoint=https://127.0.0.1:9/devstoreaccount1`)).rejects.toThrow(/cannot be reached: .*ECONNREFUSED/);
    const wrong = new ClientSecretCredential(emulator.tenantId, emulator.clientId, "not-the-secret", { authorityHost: emulator.authorityHost, disableInstanceDiscovery: true });
    await expect(h.another({ blobCredential: () => wrong }).preflight(c.location())).rejects.toThrow(/cannot be reached: .*(invalid_client|Invalid client secret)/);
    expect(h.api.calls).toHaveLength(0);
  });
});
