/**
 * A collection whose earlier round still runs, or whose `pulumi up` was killed after its POST,
 * end to end through the real Pulumi CLI and engine against the emulator: the next `up`
 * supersedes or resumes it, and never requests a collection twice.
 */
import * as fs from "node:fs";
import { Agent, request } from "undici";
import { type EmulatedTenant, succeeded } from "../helpers/e2e";
import { collectionResources, marked, tenantWith } from "./collectionTenant";

/** Devices of the intent tests below: each collection there stays unfinished (held by the emulator) until the test ends it. */
const HELD = { cancel: "a1".repeat(20), wait: "a2".repeat(20), killedRunning: "a3".repeat(20) };
/** Held too: a test kills an `up` after its POST, then ends the collection. */
const TEN_MINUTES = "a4".repeat(20);
/** Held collections step from Pending to InProgress as planned; they never finish while held. */
const RUNNING = expect.stringMatching(/^(Pending|InProgress)$/);
let tenant: EmulatedTenant;
// Each test drives several `pulumi` runs; on a loaded machine (two cores, load 20) one run can
// take minutes. The limit is a backstop for a hung run, not a speed assertion.
jest.setTimeout(600_000);

beforeAll(async () => {
  tenant = await tenantWith({ "held-cancel": HELD.cancel, "held-wait": HELD.wait, "held-killedRunning": HELD.killedRunning, "ten-minutes": TEN_MINUTES });
  // Commanded, never raced against the x60 clock: every collection on the HELD and TEN_MINUTES
  // devices stays unfinished until a test ends it, however slow this machine is.
  for (const id of [...Object.values(HELD), TEN_MINUTES]) tenant.emulator.machines.hold(id);
});

afterAll(() => tenant.close());

const newStack = (name: string, collections: Record<string, Record<string, unknown>>) => tenant.stack(name, collections);

/** The MDE API as an analyst's script would call it (own token, TLS trust of the emulator's CA). */
async function mde(method: "GET" | "POST", path: string, body?: unknown): Promise<any> {
  const e = tenant.emulator;
  const dispatcher = new Agent({ connect: { ca: fs.readFileSync(e.caFile) } });
  try {
    const form = new URLSearchParams({ grant_type: "client_credentials", client_id: e.clientId, client_secret: e.clientSecret, scope: "https://api.securitycenter.microsoft.com/.default" });
    const token = await request(`${e.authorityHost}/${e.tenantId}/oauth2/v2.0/token`, { method: "POST", body: form.toString(), headers: { "content-type": "application/x-www-form-urlencoded" }, dispatcher });
    const { access_token } = (await token.body.json()) as { access_token: string };
    const res = await request(`${e.apiUrl}${path}`, {
      method, dispatcher, body: body === undefined ? undefined : JSON.stringify(body),
      headers: { authorization: `Bearer ${access_token}`, ...(body === undefined ? {} : { "content-type": "application/json" }) },
    });
    return await res.body.json();
  } finally {
    await dispatcher.close();
  }
}

const collectionsOn = async (machineId: string): Promise<Array<{ id: string; status: string; requestorComment: string }>> =>
  (await mde("GET", `/api/machineactions?$filter=${encodeURIComponent(`machineId eq '${machineId}'`)}`)).value;

async function until(what: string, condition: () => boolean | Promise<boolean>, timeoutMs = 120_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > end) throw new Error(`${what}: not reached in ${timeoutMs / 1000} s`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

const listCalls = () => Object.values((tenant.emulator.counters().requests as Record<string, Record<string, number>>)["GET /api/machineactions"] ?? {}).reduce((a, b) => a + b, 0);
const cancels = () => (tenant.emulator.counters().requests as Record<string, Record<string, number>>)["POST /api/machineactions/{id}/cancel"]?.["200"] ?? 0;
const custodyLines = (dir: string) => fs.readFileSync(`${dir}/custody.jsonl`, "utf8").trim().split("\n").map((l) => JSON.parse(l));

describe("InvestigationPackageCollection through the real engine", () => {
  describe.each([true, false])("a new round while the old collection still runs (cancelOnDelete: %s)", (cancelOnDelete) => {
    it("ends in a new collection with the new comment, one new POST, and the old one superseded in custody", async () => {
      const machineId = cancelOnDelete ? HELD.cancel : HELD.wait;
      const evidenceDirectory = `${tenant.dir}/evidence-round-${cancelOnDelete}`;
      // A week: this `up` may wait for the earlier round as long as the test needs.
      const round = (n: number) => ({ machineId, comment: `INC-11: round ${n}`, waitForCompletion: false, timeoutMinutes: 10_080, cancelOnDelete, evidenceDirectory });
      const cli = newStack(`round-${cancelOnDelete}`, { r: round(1) });
      const first = (await cli.ok("up")).outputs.results.r;
      expect(first).toMatchObject({ status: RUNNING, adopted: false, requestorComment: expect.stringMatching(marked("INC-11: round 1")) });
      expect(tenant.collectPosts(machineId)).toBe(1);

      tenant.configure(cli, { r: round(2) });
      const cancelsBefore = cancels();
      const listsBefore = listCalls();
      const run = cli.start("up");
      if (!cancelOnDelete) {
        // Round 1 is held unfinished: the new `up` must be waiting for it (its
        // pre-check and at least one poll of round 1 done), not requesting. Then an analyst ends it.
        await until("the new round waits for round 1", () => listCalls() >= listsBefore + 2);
        expect(tenant.collectPosts(machineId)).toBe(1);
        expect(cancels()).toBe(cancelsBefore);
        expect(await mde("POST", `/api/machineactions/${first.actionId}/cancel`, { Comment: "ended by the test" })).toMatchObject({ status: "Cancelled" });
      }
      const r = await run.done;
      expect(r.code).toBe(0);
      const second = r.result.outputs.results.r;
      expect(r.result.summary).toMatchObject({ replace: 1 });
      expect(second.actionId).not.toBe(first.actionId);
      expect(second).toMatchObject({ adopted: false, requestorComment: expect.stringMatching(marked("INC-11: round 2")) });
      expect(tenant.collectPosts(machineId)).toBe(2);
      expect(cancels() - cancelsBefore).toBe(1); // by the provider (cancelOnDelete), or by the analyst
      if (!cancelOnDelete) expect(r.stderr).toContain(`collection ${first.actionId} on ${machineId} (an earlier round`);
      const superseded = custodyLines(evidenceDirectory).filter((l) => l.event === "superseded");
      expect(superseded).toEqual([expect.objectContaining({ actionId: first.actionId, details: expect.objectContaining({ supersededBy: second.actionId }) })]);
    }, 300_000);
  });

  it("a `pulumi up` killed after its POST, whose collection then finished, is resumed by the next up: zero second POSTs", async () => {
    const cli = newStack("killed-finished", { k: { machineId: TEN_MINUTES, comment: "INC-12: lost runner" } });
    const run = cli.start("up");
    await until("the POST", () => tenant.collectPosts(TEN_MINUTES) === 1);
    run.killAll();
    await run.done;
    const [requested] = await collectionsOn(TEN_MINUTES);
    tenant.emulator.actions.complete(requested.id, "Succeeded");
    const [collection] = await collectionsOn(TEN_MINUTES);
    expect(collection).toMatchObject({ id: requested.id, status: "Succeeded" });
    await cli.ok("cancel");
    expect(await collectionResources(cli)).toEqual([]); // killed mid-wait: the create never returned

    const again = await cli.ok("up");
    expect(again.outputs.results.k).toMatchObject({ actionId: collection.id, status: "Succeeded", adopted: false });
    expect(tenant.collectPosts(TEN_MINUTES)).toBe(1);
  }, 300_000);

  it("a `pulumi up` killed after its POST, whose collection still runs, is resumed by the next up, which waits for it: zero second POSTs", async () => {
    const machineId = HELD.killedRunning;
    // Killed while it waits (the collection is held unfinished): the create never returned, nothing is in state.
    const cli = newStack("killed-running", { k: { machineId, comment: "INC-13: lost runner" } });
    const run = cli.start("up");
    await until("the POST", () => tenant.collectPosts(machineId) === 1);
    run.killAll();
    await run.done;
    await cli.ok("cancel");
    const [collection] = await collectionsOn(machineId);
    expect(collection.status).toEqual(RUNNING);
    expect(await collectionResources(cli)).toEqual([]);

    // Found again by its correlation marker: the killed run's own collection, resumed (not
    // adopted, not requested again). The new `up` waits on it; once it has read it, it ends.
    const reads = tenant.actionReads(collection.id);
    const resumed = cli.start("up");
    await tenant.seen(collection.id, reads);
    expect(tenant.collectPosts(machineId)).toBe(1);
    tenant.emulator.actions.complete(collection.id, "Succeeded");
    const again = await succeeded(resumed, "up");
    expect(again.outputs.results.k).toMatchObject({ actionId: collection.id, status: "Succeeded", adopted: false });
    expect(tenant.collectPosts(machineId)).toBe(1);
  }, 300_000);
});
