/**
 * A quota ledger that cannot be used fails once, before anything is collected, saying what to
 * fix: at `pulumi preview` (check) for a malformed location, at the start of a create or a sweep
 * for a missing container or a refused identity. And a runner that shuts down gives back the
 * slots it reserved but will not use.
 */
import { MdeClient } from "../../../provider/api/client";
import { LedgerSlotSource } from "../../../provider/api/ledger/ledgerSlots";
import { QuotaLedgerError } from "../../../provider/api/ledger/store";
import { SlidingWindowLimiter } from "../../../provider/api/limiter";
import { closeSharedClients, getSharedClient } from "../../../provider/api/shared";
import { collectionProvider } from "../../../provider/resource/collectionProvider";
import type { ProviderContext } from "../../../provider/resource/context";
import { KnownInputsSchema } from "../../../provider/resource/inputs";
import { requestCollection } from "../../../provider/resource/lifecycle";
import { sweepProvider } from "../../../provider/sweep/sweepProvider";
import { runSweep } from "../../../provider/sweep/run";
import type { SweepContext } from "../../../provider/sweep/context";
import { resetProcessState } from "../../../provider/util/registry";
import { FakeClock } from "../../helpers/fakeClock";
import { MemoryLedgerStore } from "../../helpers/memoryLedgerStore";
import { inputs as sweepInputs } from "../../sweep/helpers";
import { InstantClock, settingsFor, StaticCredential } from "../helpers";

const T0 = Date.UTC(2026, 0, 1);
const refused = () => new QuotaLedgerError("config", "quota ledger memory://ledger: the identity is not allowed (403 AuthorizationPermissionMismatch); grant it Storage Blob Data Contributor on the container");

function ledger(store: MemoryLedgerStore, clock = new FakeClock(T0), holder = "me") {
  const slots = new LedgerSlotSource({ store, holder, clock, documentName: (f) => `t/c/${f}.json`, logger: { info: () => undefined, warn: () => undefined } });
  return { slots, limiter: new SlidingWindowLimiter({ clock, slots }) };
}

/** A ProviderContext that counts what a create asks of MDE and of the evidence folder. */
function countingContext(preflight: () => Promise<void>) {
  const asked: string[] = [];
  const note = (what: string) => async () => {
    asked.push(what);
    throw new Error(`${what} must not be reached`);
  };
  const api = { preflight, collectInvestigationPackage: note("POST"), listMachineActions: note("list"), getMachineAction: note("get"), listMachines: note("machines") };
  const ctx = {
    api, clock: new FakeClock(T0), timeScale: 1, log: () => undefined, releasedActions: new Set<string>(),
    collections: { find: note("pre-check") },
    evidence: { preflight: note("evidence preflight"), fetch: note("fetch"), record: note("custody") },
  } as unknown as ProviderContext;
  return { ctx, asked };
}

afterEach(async () => {
  await closeSharedClients();
  resetProcessState();
});

describe("quota ledger preflight", () => {
  it("runs once per client, however many creates ask, and every one of them gets its answer", async () => {
    const store = new MemoryLedgerStore();
    store.failure = refused();
    const clock = new InstantClock();
    const client = new MdeClient(settingsFor("http://127.0.0.1:9"), { clock, credential: new StaticCredential(), limiter: ledger(store).limiter });
    const results = await Promise.allSettled([client.preflight(), client.preflight(), client.preflight()]);
    expect(results.map((r) => r.status)).toEqual(["rejected", "rejected", "rejected"]);
    await expect(client.preflight()).rejects.toThrow(/grant it Storage Blob Data Contributor on the container/);
    expect(store.calls.reads).toBe(1);
    await client.close();
  });

  it("stops a create before the evidence folder, the pre-check or any POST", async () => {
    const { ctx, asked } = countingContext(async () => {
      throw refused();
    });
    const inputs = KnownInputsSchema.parse({ machineId: "c".repeat(40), comment: "INC-1", marker: "[k3f7a.q2mz]", evidenceDirectory: "/cases/inc-1" });
    await expect(requestCollection(ctx, inputs, {})).rejects.toThrow(/identity is not allowed/);
    expect(asked).toEqual([]);
  });

  it("fails a sweep of 250 machines once, with one error, before any machine is asked for", async () => {
    let preflights = 0;
    const { ctx, asked } = countingContext(async () => {
      preflights++;
      throw refused();
    });
    const sc: SweepContext = { shared: ctx, machine: ctx, nextCollectSlotMs: () => undefined };
    const machines = Array.from({ length: 250 }, (_, i) => i + 1);
    await expect(runSweep(sc, undefined, sweepInputs(machines))).rejects.toThrow(/identity is not allowed/);
    expect(preflights).toBe(1);
    expect(asked).toEqual([]);
  });
});

describe("a malformed mde:quotaLedger fails at pulumi preview (check), with what to fix", () => {
  it.each([
    ["the collection", collectionProvider, { machineId: "c".repeat(40), comment: "INC-1" }],
    ["the sweep", sweepProvider, { sweepName: "inc-1", comment: "INC-1", machineIds: ["c".repeat(40)] }],
  ])("%s", async (_name, provider, news) => {
    const config = new Map([["mde:quotaLedger", "azblob://Contoso_IR/mde-quota"]]);
    await provider.configure!({ config: { get: (k: string) => config.get(k), require: (k: string) => config.get(k)! } } as never);
    await expect(provider.check!({}, news)).rejects.toThrow(/mde:quotaLedger \/ MDE_QUOTA_LEDGER: 'Contoso_IR' is not a storage account name.*e\.g\. azblob:\/\/contosoir\/mde-quota\/ledger/s);
    config.set("mde:quotaLedger", "azblob://contosoir/mde-quota/ledger");
    const checked = await provider.check!({}, news);
    expect(checked.failures ?? []).toEqual([]);
  });
});

describe("closing the shared clients gives back the ledger's unused slots", () => {
  it("leaves none of this runner's future slots in the document", async () => {
    const store = new MemoryLedgerStore();
    const clock = new FakeClock(T0);
    // Another runner used this minute's 100 slots: ours are reserved in the next one.
    const other = ledger(store, clock, "other");
    await clock.runUntilSettled(Promise.all(Array.from({ length: 100 }, () => other.limiter.acquire("collect"))));
    // Within the reservation horizon (a tenth of the minute) of the next minute's slots.
    await clock.advance(57_000);
    const { slots, limiter } = ledger(store, clock);
    getSharedClient(settingsFor("http://127.0.0.1:9"), { clock, credential: new StaticCredential(), limiter });
    await slots.take("collect", 10);
    const future = () => (store.parsed("t/c/collect.json")?.grants ?? []).filter(([t, h]) => h === "me" && t > clock.now()).length;
    expect(future()).toBe(10);
    await closeSharedClients();
    expect(future()).toBe(0);
    // The other runner's slots, used or not, are untouched.
    expect((store.parsed("t/c/collect.json")?.grants ?? []).filter(([, h]) => h === "other")).toHaveLength(100);
  });
});
