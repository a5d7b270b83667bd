/**
 * Conformance of the machine actions: collect (§2), read (§3, §4), download the package (§5) and
 * cancel (§6), one test per documented rule (shared/reference/mde-api.md), over real HTTPS against
 * the emulator on port 0 with a manual clock.
 */
import { MachineActionWireSchema, PackageUriSchema } from "../../provider/api/schemas";
import { DEFAULT_ACTIONS, DEFAULT_MACHINES as M } from "../../emulator/scenario/defaultScenario";
import { expectMdeError as expectError, startHarness, startWithToken, type Harness } from "./harness";

let h: Harness;
let token: string;
beforeEach(async () => ({ h, token } = await startWithToken()));
afterEach(() => h.close());

const collect = (id: string, body: unknown = { Comment: "IR case 1" }) => h.call("POST", `/api/machines/${id}/collectInvestigationPackage`, { token, body });

describe("collect investigation package (§2)", () => {
  it("creates a Pending CollectInvestigationPackage action: 201 with the real field set", async () => {
    const res = await collect(M.win11);
    expect(res.status).toBe(201);
    const a = MachineActionWireSchema.parse(res.json);
    expect(res.json["@odata.context"]).toBe(`${h.emu.apiUrl}/api/$metadata#MachineActions/$entity`);
    expect(a).toMatchObject({ type: "CollectInvestigationPackage", status: "Pending", machineId: M.win11, requestor: "IR Automation", requestorComment: "IR case 1", requestSource: "PublicApi", errorHResult: 0, externalId: null, title: null, scope: null });
    expect(res.json.commands).toEqual([]);
    expect(res.json.troubleshootInfo).toBeNull();
    expect(res.json.creationDateTimeUtc).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{7}Z$/);
    expect(res.json.lastUpdateDateTimeUtc).toBe(res.json.creationDateTimeUtc);
  });

  it("rejects a missing or miscased Comment with 400 InvalidRequestBody", async () => {
    expectError(await collect(M.win11, {}), 400, "InvalidRequestBody");
    expectError(await collect(M.win11, { comment: "lower case" }), 400, "InvalidRequestBody");
    expectError(await collect(M.win11, "not json"), 400, "InvalidRequestBody");
    expect(h.emu.counters().collectPosts[M.win11]).toBe(3);
  });

  it("requires Content-Type: application/json", async () => {
    const res = await h.call("POST", `/api/machines/${M.win11}/collectInvestigationPackage`, { token, body: '{"Comment":"x"}', headers: { "content-type": "text/plain" } });
    expect(res.status).toBe(415);
  });

  it("answers 404 for an unknown machine", async () => {
    expectError(await collect("0".repeat(40)), 404, "ResourceNotFound");
  });

  it("refuses a second collection while one is Pending or InProgress: 400 ActiveRequestAlreadyExists", async () => {
    expect((await collect(M.win11)).status).toBe(201);
    expectError(await collect(M.win11), 400, "ActiveRequestAlreadyExists");
    expectError(await collect(M.busy), 400, "ActiveRequestAlreadyExists");
  });

  it("with duplicateCollection: return-existing, answers 201 with the running action instead", async () => {
    const { defaultScenario } = await import("../../emulator/scenario/defaultScenario");
    const alt = await startHarness({ scenario: { ...defaultScenario(), switches: { duplicateCollection: "return-existing" } } });
    try {
      const t = await alt.token();
      const res = await alt.call("POST", `/api/machines/${M.busy}/collectInvestigationPackage`, { token: t, body: { Comment: "again" } });
      expect(res.status).toBe(201);
      expect(res.json.id).toBe(DEFAULT_ACTIONS.running);
      expect(res.json.status).toBe("InProgress");
    } finally {
      await alt.close();
    }
  });
});

describe("machine actions (§3, §4)", () => {
  it("gets an action by id, 404 for an unknown one", async () => {
    const res = await h.call("GET", `/api/machineactions/${DEFAULT_ACTIONS.running}`, { token });
    expect(MachineActionWireSchema.parse(res.json).status).toBe("InProgress");
    expect(res.json.requestor).toBe("analyst@contoso.local");
    expectError(await h.call("GET", "/api/machineactions/00000000-0000-4000-8000-000000000000", { token }), 404, "ResourceNotFound");
  });

  it("lists actions newest first, with $filter (eq, in, startswith, dates, parentheses) and $top/$skip", async () => {
    const a = (await collect(M.win11)).json.id;
    await h.emu.advanceClock(1000);
    const b = (await collect(M.linux)).json.id;
    const ids = async (query = "") => (await h.call("GET", `/api/machineactions${query}`, { token })).json.value.map((x: any) => x.id);
    expect(await ids()).toEqual([b, a, DEFAULT_ACTIONS.running, DEFAULT_ACTIONS.succeeded]);
    expect(await ids("?$top=2")).toEqual([b, a]);
    expect(await ids("?$top=2&$skip=2")).toEqual([DEFAULT_ACTIONS.running, DEFAULT_ACTIONS.succeeded]);
    const f = (x: string) => ids(`?$filter=${encodeURIComponent(x)}`);
    expect(await f(`machineId eq '${M.linux}' and type eq 'CollectInvestigationPackage'`)).toEqual([b]);
    expect(await f("status in ('Pending', 'InProgress')")).toEqual([b, a, DEFAULT_ACTIONS.running]);
    expect(await f("status eq 'Succeeded' or (startswith(requestor,'analyst') and status ne 'Pending')")).toEqual([DEFAULT_ACTIONS.running, DEFAULT_ACTIONS.succeeded]);
    expect(await f(`creationDateTimeUtc gt ${new Date(h.emu.clock.now() - 500).toISOString()}`)).toEqual([b]);
    expect(await f(`id eq '${a}'`)).toEqual([a]);
    expectError(await h.call("GET", `/api/machineactions?$filter=${encodeURIComponent("requestorComment eq 'x'")}`, { token }), 400, "ODataError");
  });
});

describe("package download (§5)", () => {
  it("answers GetPackageUri with 404 until the collection Succeeded, then a short-lived link", async () => {
    const id = (await collect(M.win11)).json.id;
    expectError(await h.call("GET", `/api/machineactions/${id}/GetPackageUri`, { token }), 404, "ResourceNotFound");
    await h.emu.advanceClock(65_000);
    const res = await h.call("GET", `/api/machineactions/${id}/getPackageUri`, { token });
    expect(res.status).toBe(200);
    expect(res.json["@odata.context"]).toBe(`${h.emu.apiUrl}/api/$metadata#Edm.String`);
    const url = PackageUriSchema.parse(res.json).value;
    expect(url).toMatch(new RegExp(`^${h.emu.apiUrl}/safedownload/WDATP_Investigation_Package\\.zip\\?token=`));
    const zip = await h.call("GET", url);
    expect(zip.status).toBe(200);
    expect(zip.headers["content-type"]).toBe("application/zip");
    expect(zip.bytes.subarray(0, 2).toString()).toBe("PK");
    expect(h.emu.counters().packageUriCalls[id]).toBe(2);
    expect(h.emu.counters().packageDownloads[id]).toBe(1);
  });

  it("refuses an expired or tampered link with 403 like the storage host", async () => {
    const res = await h.call("GET", `/api/machineactions/${DEFAULT_ACTIONS.succeeded}/GetPackageUri`, { token });
    const url: string = res.json.value;
    const tampered = await h.call("GET", url.replace(DEFAULT_ACTIONS.succeeded, DEFAULT_ACTIONS.running));
    expect(tampered.status).toBe(403);
    expect(tampered.text).toMatch(/AuthenticationFailed/);
    expect((await h.call("GET", url.replace(/token=.*/, "token="))).status).toBe(403);
    await h.emu.advanceClock(10 * 60_000);
    const expired = await h.call("GET", url);
    expect(expired.status).toBe(403);
    expect(expired.text).toMatch(/expiry time has passed/);
  });
});

describe("cancel (§6)", () => {
  it("cancels a Pending or InProgress action with the cancellation fields, and refuses a final one with 400", async () => {
    const res = await h.call("POST", `/api/machineactions/${DEFAULT_ACTIONS.running}/cancel`, { token, body: { Comment: "no longer needed" } });
    expect(res.status).toBe(200);
    expect(MachineActionWireSchema.parse(res.json)).toMatchObject({ status: "Cancelled", cancellationRequestor: "IR Automation", cancellationComment: "no longer needed", cancellationDateTimeUtc: expect.any(String) });
    const again = await h.call("POST", `/api/machineactions/${DEFAULT_ACTIONS.running}/cancel`, { token, body: {} });
    expectError(again, 400, "BadRequest");
    expectError(await h.call("POST", `/api/machineactions/${DEFAULT_ACTIONS.succeeded}/cancel`, { token, body: {} }), 400, "BadRequest");
    expectError(await h.call("POST", "/api/machineactions/00000000-0000-4000-8000-000000000000/cancel", { token, body: {} }), 404, "ResourceNotFound");
    // Cancelling frees the machine for a new collection.
    expect((await collect(M.busy)).status).toBe(201);
  });
});
