/**
 * The same guarantee for both stores (a folder, and a blob container on Azurite): a writer that
 * stops abruptly at any durable step of keeping a package leaves a location that `verify` passes
 * (exit 0 with the key) or calls incomplete (exit 3: a `.partial` beside the evidence, lines
 * after the signed head), never one that reads as tampered (exit 1); the next run completes it
 * (exit 0). In-process here (the step hook throws, so nothing after the step runs);
 * killPoints.e2e.test.ts SIGKILLs a child process at every step of a folder keep.
 */
import { createPublicKey, generateKeyPairSync } from "node:crypto";
import { join } from "node:path";
import { ClientSecretCredential } from "@azure/identity";
import { ContainerClient } from "@azure/storage-blob";
import { type EmulatorHandle } from "../../emulator";
import { blobSource } from "../../provider/verify/blobSource";
import { exitCodeOf, verifyLocation } from "../../provider/verify/checks";
import { folderSource } from "../../provider/verify/source";
import { type AzuriteHandle } from "../../scripts/lib/azurite";
import { ACTION_ID, buildZip, succeededOutputs } from "./helpers/fixtures";
import { harness, type Harness } from "./helpers/harness";
import { blobTenant } from "../helpers/blobTenant";

const STEPS = [
  "custody:succeeded:head-prepared",
  "custody:succeeded:line-written",
  "custody:downloaded:line-written",
  "keep:marked",
  "keep:placed",
  "keep:manifest-written",
  "custody:verified:head-prepared",
  "custody:verified:line-written",
  "custody:verified:head-committed",
  "keep:unmarked",
  "custody:claimed:line-written",
];

const tenant = blobTenant("interrupted", 120_000);
let emulator: EmulatorHandle;
let azurite: AzuriteHandle;
let credential: ClientSecretCredential;
beforeAll(() => {
  ({ emulator, azurite, credential } = tenant());
});

const pem = generateKeyPairSync("ed25519").privateKey.export({ type: "pkcs8", format: "pem" }).toString();
const publicKey = createPublicKey(pem);
class Stop extends Error {}

describe.each(["folder", "blob"] as const)("a %s writer stopped at each step", (kind) => {
  let h: Harness;
  let seq = 0;
  beforeEach(async () => {
    h = await harness({ blobCredential: () => credential, signingKey: { pem, origin: "test" } });
    h.storage.packages.set(ACTION_ID, await buildZip(64 * 1024));
  });
  afterEach(() => h.close());

  async function freshLocation(): Promise<string> {
    if (kind === "folder") return join(h.dir, `loc-${++seq}`);
    const name = `interrupted-${process.pid}-${++seq}`;
    await new ContainerClient(`${azurite.endpoint}/${name}`, credential).create();
    return `azblob://devstoreaccount1/${name}/case?endpoint=${azurite.endpoint}`;
  }
  const sourceOf = (where: string) => (kind === "folder" ? folderSource(where) : blobSource(where, credential));

  it.each(STEPS)("%s: verifies or is visibly incomplete; the next run completes it", async (step) => {
    const where = await freshLocation();
    const stopping = h.another({ onStep: (s) => { if (s === step) throw new Stop(`stopped at ${s}`); } });
    await stopping.preflight(where);
    await expect(stopping.fetch(succeededOutputs(where), { adopted: false })).rejects.toThrow();
    const source = await sourceOf(where);
    const names = (await source.list()).map((e) => e.name);
    const visiblePartials = names.filter((n) => n.endsWith(".partial") && !n.startsWith("."));
    const after = await verifyLocation(source, publicKey);
    expect({ step, problems: after.problems }).toEqual({ step, problems: [] });
    if (visiblePartials.length > 0) expect({ step, visiblePartials, exit: exitCodeOf(after) }).toEqual({ step, visiblePartials, exit: 3 });

    await h.another().fetch(succeededOutputs(where), { adopted: false });
    const healed = await sourceOf(where);
    const done = await verifyLocation(healed, publicKey);
    expect({ step, exit: exitCodeOf(done), problems: done.problems, unproven: done.unproven }).toEqual({ step, exit: 0, problems: [], unproven: [] });
    expect((await healed.list()).map((e) => e.name).filter((n) => n.endsWith(".partial") && !n.startsWith("."))).toEqual([]);
  });
});
