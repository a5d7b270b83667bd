/**
 * InvestigationPackageCollection end to end: the real Pulumi CLI and engine, the real provider
 * host loading our compiled runtime, real @azure/identity and undici against the emulator.
 */
import * as fs from "node:fs";
import { Agent, request } from "undici";
import { DEFAULT_ACTIONS, DEFAULT_MACHINES, defaultScenario } from "../../emulator";
import { EmulatedTenant } from "../helpers/e2e";
import type { StackCli } from "../helpers/stackCli";

const { win11, linux, busy, failing } = DEFAULT_MACHINES;
/** Devices of the intent tests below: each collection there stays unfinished (held by the emulator) until the test ends it. */
const HELD = { cancel: "a1".repeat(20), wait: "a2".repeat(20), killedRunning: "a3".repeat(20) };
/** Held too: a test kills an `up` after its POST, then ends the collection. */
const TEN_MINUTES = "a4".repeat(20);
const LEGACY = "a5".repeat(20);
/** Held collections step from Pending to InProgress as planned; they never finish while held. */
const RUNNING = expect.stringMatching(/^(Pending|InProgress)$/);
let tenant: EmulatedTenant;
// Each test drives several `pulumi` runs; on a loaded machine (two cores, load 20) one run can
// take minutes. The limit is a backstop for a hung run, not a speed assertion.
jest.setTimeout(600_000);

beforeAll(async () => {
  const scenario = defaultScenario();
  const device = (id: string, name: string) =>
    ({ id, computerDnsName: `${name}.contoso.local`, osPlatform: "Windows11" as const, behavior: "slow" as const, params: { pendingSeconds: 60, inProgressSeconds: 540 } });
  scenario.machines = [
    ...scenario.machines!,
    ...Object.entries(HELD).map(([name, id]) => device(id, `held-${name}`)),
    device(TEN_MINUTES, "ten-minutes"),
    device(LEGACY, "legacy"),
  ];
  tenant = await EmulatedTenant.start({ timeScale: 60, scenario });
  // Commanded, never raced against the x60 clock: the analyst's collection on `busy` runs for the
  // whole file, and every collection on the HELD and TEN_MINUTES devices stays unfinished until a
  // test ends it, however slow this machine is.
  tenant.emulator.actions.hold(DEFAULT_ACTIONS.running);
  for (const id of [...Object.values(HELD), TEN_MINUTES]) tenant.emulator.machines.hold(id);
});

// Destroys every stack of this file, one after the other: minutes on a loaded machine.
afterAll(() => tenant.close(), 600_000);

const newStack = (name: string, collections: Record<string, Record<string, unknown>>) => tenant.stack(name, collections);

const collectionResources = async (cli: StackCli) =>
  (await cli.resources()).filter((r) => r.type === "pulumi-nodejs:dynamic/mde:InvestigationPackageCollection");

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
/** The comment as MDE records it: the declared one, a space and the 12-character correlation marker. */
const marked = (comment: string) => new RegExp(`^${comment.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")} \\[[a-z2-7]{5}\\.[a-z2-7]{4}\\]$`);

describe("InvestigationPackageCollection through the real engine", () => {
  it("previews with zero API calls, then collects, adopts and refreshes without ever requesting twice", async () => {
    const cli = newStack("lifecycle", {
      ws01: { computerDnsName: "win11-ws01.contoso.local", comment: "INC-1: triage" },
      srv01: { machineId: linux.toUpperCase(), comment: "INC-1: triage" },
      busy01: { machineId: busy, comment: "INC-1: triage", waitForCompletion: false },
    });
    const before = tenant.apiRequests();
    const preview = await cli.ok("preview");
    expect(preview.changeSummary).toMatchObject({ create: 4 });
    expect(tenant.apiRequests()).toBe(before);

    const up = await cli.ok("up");
    const results = up.outputs.results;
    expect(results.ws01).toMatchObject({ status: "Succeeded", adopted: false, machineId: win11, computerDnsName: "win11-ws01.contoso.local", requestorComment: expect.stringMatching(marked("INC-1: triage")) });
    expect(results.srv01).toMatchObject({ status: "Succeeded", adopted: false, machineId: linux });
    expect(results.busy01).toMatchObject({ status: "InProgress", adopted: true, actionId: DEFAULT_ACTIONS.running });
    expect(tenant.collectPosts(win11)).toBe(1);
    expect(tenant.collectPosts(linux)).toBe(1);
    expect(tenant.collectPosts(busy)).toBe(0);

    // State holds the action ids as resource ids, and one small provider text shared by all.
    const resources = await collectionResources(cli);
    expect(resources.map((r) => r.id).sort()).toEqual([results.ws01.actionId, results.srv01.actionId, DEFAULT_ACTIONS.running].sort());
    expect(new Set(resources.map((r) => r.outputs.__provider)).size).toBe(1);
    expect(resources[0].outputs.__provider.length).toBeLessThan(3000);

    const refresh = await cli.ok("refresh");
    expect(refresh.summary).not.toHaveProperty("create");
    const again = await cli.ok("up");
    expect(again.summary).toEqual({ same: 4 });
    expect(tenant.collectPosts(win11)).toBe(1);
    expect(tenant.collectPosts(linux)).toBe(1);
  }, 300_000);

  it("replaces a collection when its comment changes, and not when only waiting options change", async () => {
    const cli = newStack("replace", { ws02: { machineId: DEFAULT_MACHINES.win11b, comment: "INC-2: first look" } });
    const first = (await cli.ok("up")).outputs.results.ws02;
    tenant.configure(cli, { ws02: { machineId: DEFAULT_MACHINES.win11b, comment: "INC-2: first look", timeoutMinutes: 90 } });
    const updated = await cli.ok("up");
    expect(updated.summary).toMatchObject({ update: 1 });
    expect(updated.outputs.results.ws02.actionId).toBe(first.actionId);

    tenant.configure(cli, { ws02: { machineId: DEFAULT_MACHINES.win11b, comment: "INC-2: second look", timeoutMinutes: 90 } });
    const replaced = await cli.ok("up");
    expect(replaced.summary).toMatchObject({ replace: 1 });
    expect(replaced.outputs.results.ws02.actionId).not.toBe(first.actionId);
    expect(replaced.outputs.results.ws02.requestorComment).toMatch(marked("INC-2: second look"));
    expect(tenant.collectPosts(DEFAULT_MACHINES.win11b)).toBe(2);
  }, 300_000);

  it("fails a collection that ends Failed with machine, action, status and errorHResult, and starts anew on the next up", async () => {
    const cli = newStack("failing", { fail01: { machineId: failing, comment: "INC-3" } });
    const r = await cli.run("up");
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(new RegExp(`collection [0-9a-f-]{36} on ${failing} \\(winsrv-fail01\\.contoso\\.local\\) ended Failed with errorHResult -?\\d+`));
    const [kept] = await collectionResources(cli);
    expect(kept.outputs.status).toBe("Failed");

    const r2 = await cli.run("up");
    expect(r2.code).not.toBe(0);
    const [second] = await collectionResources(cli);
    expect(second.id).not.toBe(kept.id);
    expect(tenant.collectPosts(failing)).toBe(2);
  });

  it("fetches evidence newly asked for in place, and neither refresh nor another up downloads it again", async () => {
    const { mac } = DEFAULT_MACHINES;
    const evidenceDirectory = `${tenant.dir}/evidence-mac`;
    const cli = newStack("evidence", { mac01: { machineId: mac, comment: "INC-10" } });
    const first = (await cli.ok("up")).outputs.results.mac01;
    expect(first.packagePath).toBeUndefined();

    tenant.configure(cli, { mac01: { machineId: mac, comment: "INC-10", evidenceDirectory } });
    const updated = await cli.ok("up");
    expect(updated.summary).toMatchObject({ update: 1 });
    const kept = updated.outputs.results.mac01;
    expect(kept.actionId).toBe(first.actionId);
    const info = await tenant.emulator.packageInfo(first.actionId);
    expect(kept).toMatchObject({ packageSha256: info!.sha256, packageSizeBytes: info!.size });
    expect(kept.packagePath).toBe(`${evidenceDirectory}/${mac}-${first.actionId}.zip`);

    const downloads = () => (tenant.emulator.counters().packageDownloads as Record<string, number>)[first.actionId];
    expect(downloads()).toBe(1);
    await cli.ok("refresh");
    expect((await cli.ok("up")).summary).toEqual({ same: 2 });
    expect(downloads()).toBe(1);
    expect(tenant.collectPosts(mac)).toBe(1);
  });

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

  it("a `pulumi up` killed after its POST, whose collection still runs, is resumed by the next up: zero second POSTs", async () => {
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

    // The same declaration; only how long to wait differs, so the next `up` returns at once.
    tenant.configure(cli, { k: { machineId, comment: "INC-13: lost runner", waitForCompletion: false } });
    const again = await cli.ok("up");
    expect(again.outputs.results.k).toMatchObject({ actionId: collection.id, status: RUNNING, adopted: false });
    expect(tenant.collectPosts(machineId)).toBe(1);
  }, 300_000);

  it("loads and migrates a collection stored by 0.1.0 (no stateVersion, no marker): no change, no call to collect", async () => {
    const cli = newStack("legacy", { old: { machineId: LEGACY, comment: "INC-14" } });
    const first = (await cli.ok("up")).outputs.results.old;
    // Rewrite the checkpoint as 0.1.0 left it: the same outputs without the fields 0.2 added.
    const file = checkpointFile(cli);
    const checkpoint = JSON.parse(fs.readFileSync(file, "utf8"));
    const stored = checkpoint.checkpoint.latest.resources.find((r: any) => r.id === first.actionId);
    delete stored.outputs.stateVersion;
    delete stored.outputs.marker;
    fs.writeFileSync(file, JSON.stringify(checkpoint));

    const again = await cli.ok("up");
    expect(again.summary).toEqual({ same: 2 });
    await cli.ok("refresh");
    const [migrated] = await collectionResources(cli);
    expect(migrated.outputs).toMatchObject({ stateVersion: 1, marker: null, actionId: first.actionId, status: "Succeeded" });
    expect(tenant.collectPosts(LEGACY)).toBe(1);
  }, 300_000);

  it("rejects an invalid machine id in preview with a clear message and no API call", async () => {
    const cli = newStack("invalid", { bad: { machineId: "not-a-device", comment: "INC-4" } });
    const before = tenant.apiRequests();
    const r = await cli.run("preview");
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain("machineId");
    expect(r.stderr).toContain("40 hexadecimal characters");
    expect(tenant.apiRequests()).toBe(before);
  });
});

/** The file:// backend's checkpoint of the stack (`.pulumi/stacks/<project>/<stack>.json`). */
function checkpointFile(cli: StackCli): string {
  const stacks = `${cli.stateDir}/.pulumi/stacks`;
  const found = fs.readdirSync(stacks, { recursive: true, encoding: "utf8" }).filter((f) => f.endsWith(`${cli.stackName}.json`));
  if (found.length !== 1) throw new Error(`expected one checkpoint for ${cli.stackName} under ${stacks}, found ${found.join(", ") || "none"}`);
  return `${stacks}/${found[0]}`;
}
