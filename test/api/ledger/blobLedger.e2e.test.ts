/**
 * The ledger on a real storage account: Azurite over HTTPS with OAuth, signed in with real
 * @azure/identity against the MDE emulator's token endpoint (the credential MDE uses). Two
 * runners in this process share one ledger through real ETags; a missing container is a
 * configuration error even with the fallback on.
 */
import { ClientSecretCredential } from "@azure/identity";
import { ContainerClient } from "@azure/storage-blob";
import { type EmulatorHandle } from "../../../emulator";
import { BlobLedgerStore } from "../../../provider/api/ledger/blobStore";
import { LedgerSlotSource } from "../../../provider/api/ledger/ledgerSlots";
import { parseLedgerLocation } from "../../../provider/api/ledger/location";
import { SlidingWindowLimiter } from "../../../provider/api/limiter";
import { systemClock } from "../../../provider/util/clock";
import { type AzuriteHandle } from "../../../scripts/lib/azurite";
import { blobTenant } from "../../helpers/blobTenant";

const tenant = blobTenant("ledger", 60_000);
let emulator: EmulatorHandle;
let azurite: AzuriteHandle;
let credential: ClientSecretCredential;
beforeAll(() => {
  ({ emulator, azurite, credential } = tenant());
});

function runner(container: string, holder: string, fallback: "error" | "local" = "error") {
  const parsed = parseLedgerLocation(`azblob://devstoreaccount1/${container}/ledger?endpoint=${azurite.endpoint}&marginMs=100`);
  if (!parsed.ok) throw new Error(parsed.problem);
  const slots = new LedgerSlotSource({
    store: new BlobLedgerStore(parsed.value, credential),
    documentName: (f) => `tenant/app/${f}.json`,
    holder,
    clock: systemClock,
    logger: { info: () => undefined, warn: () => undefined },
    // MDE's collect quota (batches of 10).
    timeScale: 60, // a minute lasts one second
    marginMs: 100,
    fallback,
  });
  return { slots, limiter: new SlidingWindowLimiter({ clock: systemClock, slots }) };
}

describe("quota ledger on Azurite", () => {
  it("keeps two runners within 100 a (scaled) minute through real ETags, and counts the lost CAS writes", async () => {
    const name = `quota-${process.pid}`;
    await new ContainerClient(`${azurite.endpoint}/${name}`, credential).create();
    const [a, b] = [runner(name, "a"), runner(name, "b")];
    const times: number[] = [];
    const send = (r: ReturnType<typeof runner>, n: number) => Promise.all(Array.from({ length: n }, () => r.limiter.acquire("collect").then(() => times.push(Date.now()))));
    await Promise.all([send(a, 150), send(b, 150)]);
    times.sort((x, y) => x - y);
    for (let i = 100; i < times.length; i++) expect(times[i] - times[i - 100]).toBeGreaterThanOrEqual(1_000);
    const m = [a, b].map((r) => r.slots.metrics);
    const storageCalls = m.reduce((n, x) => n + x.reads + x.writes, 0);
    console.log(`ledger on Azurite: ${storageCalls} storage calls for 300 slots, ${m.reduce((n, x) => n + x.conflicts, 0)} CAS conflicts of ${m.reduce((n, x) => n + x.writes, 0)} writes`);
    expect(storageCalls).toBeLessThan(150);
  }, 60_000);

  it("refuses a missing container with what to fix, even with the fallback on, before any slot is granted", async () => {
    const r = runner("no-such-container", "a", "local");
    await expect(r.limiter.acquire("collect")).rejects.toThrow(/quota ledger azblob:\/\/devstoreaccount1\/no-such-container\/ledger.*does not exist \(ContainerNotFound\); create the container first/);
    expect(r.slots.fellBack).toBe(false);
  }, 60_000);
});
