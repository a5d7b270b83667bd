/**
 * Conformance: one test per documented rule of the MDE API (shared/reference/mde-api.md), over
 * real HTTPS against the emulator on port 0 with a manual clock.
 */
import { readFileSync } from "node:fs";
import { Agent, request } from "undici";
import { MachineActionWireSchema, MachineWireSchema, odataListSchema, PackageUriSchema, ErrorBodySchema } from "../../provider/api/schemas";
import { DEFAULT_ACTIONS, DEFAULT_MACHINES as M, READER_CLIENT_ID } from "../../emulator/scenario/defaultScenario";
import { startHarness, type Harness } from "./harness";

let h: Harness;
let token: string;
beforeEach(async () => {
  h = await startHarness();
  token = await h.token();
});
afterEach(() => h.close());

const collect = (id: string, body: unknown = { Comment: "IR case 1" }) => h.call("POST", `/api/machines/${id}/collectInvestigationPackage`, { token, body });
const expectError = (res: { status: number; json: any; headers: any }, status: number, code: string) => {
  expect(res.status).toBe(status);
  expect(ErrorBodySchema.parse(res.json).error.code).toBe(code);
  expect(res.json.error.target).toBe(res.headers["request-id"]);
};

describe("transport", () => {
  it("serves HTTPS only, with a certificate for localhost and 127.0.0.1 signed by the emulator CA", async () => {
    const untrusted = new Agent();
    await expect(request(`${h.emu.apiUrl}/api/machines`, { dispatcher: untrusted })).rejects.toThrow();
    await untrusted.close();
    const viaLocalhost = await h.call("GET", h.emu.apiUrl.replace("127.0.0.1", "localhost") + "/api/machines", { token });
    expect(viaLocalhost.status).toBe(200);
    const plain = await request(h.emu.apiUrl.replace("https:", "http:") + "/api/machines").catch((e: Error) => e);
    expect(plain).toBeInstanceOf(Error);
  });

  it("accepts the optional /api/v1.0 version prefix", async () => {
    const res = await h.call("GET", `/api/v1.0/machines/${M.win11}`, { token });
    expect(res.status).toBe(200);
    expect(res.json.id).toBe(M.win11);
  });

  it("answers unknown routes and wrong verbs with 404 (a POST to GetPackageUri is a 404, as users found)", async () => {
    expectError(await h.call("GET", "/api/nothing", { token }), 404, "NotFound");
    expectError(await h.call("POST", `/api/machineactions/${DEFAULT_ACTIONS.succeeded}/GetPackageUri`, { token, body: {} }), 404, "NotFound");
  });
});

describe("machines (§7)", () => {
  it("gets a machine by id or by computer name, with the documented fields", async () => {
    const byId = await h.call("GET", `/api/machines/${M.win11}`, { token });
    expect(byId.status).toBe(200);
    expect(byId.json["@odata.context"]).toBe(`${h.emu.apiUrl}/api/$metadata#Machines/$entity`);
    expect(MachineWireSchema.parse(byId.json)).toMatchObject({ computerDnsName: "win11-ws01.contoso.local", osPlatform: "Windows11", healthStatus: "Active" });
    const byName = await h.call("GET", "/api/machines/WIN11-WS01.contoso.local", { token });
    expect(byName.json.id).toBe(M.win11);
  });

  it("answers 404 ResourceNotFound 'Machine X was not found' for an unknown machine", async () => {
    const res = await h.call("GET", "/api/machines/123123123", { token });
    expectError(res, 404, "ResourceNotFound");
    expect(res.json.error.message).toBe("Machine 123123123 was not found");
  });

  it("lists machines with $filter, $top and $skip", async () => {
    const all = await h.call("GET", "/api/machines", { token });
    const parsed = odataListSchema(MachineWireSchema).parse(all.json);
    expect(parsed.value).toHaveLength(8);
    const q = (f: string) => h.call("GET", `/api/machines?$filter=${encodeURIComponent(f)}`, { token }).then((r) => r.json.value.map((m: any) => m.computerDnsName).sort());
    expect(await q("startswith(computerDnsName,'win11-ws')")).toEqual(["win11-ws01.contoso.local", "win11-ws02.contoso.local"]);
    expect(await q("healthStatus ne 'Active'")).toEqual(["win11-offline01.contoso.local"]);
    expect(await q("machineTags/any(tag: tag eq 'vip')")).toEqual(["mac-ws01.contoso.local", "win11-ws02.contoso.local"]);
    expect(await q("osPlatform eq 'Linux' or riskScore eq 'High'")).toEqual(["lnx-srv01.contoso.local", "win11-ws02.contoso.local"]);
    expect(await q(`lastSeen lt ${new Date(h.emu.clock.now() - 48 * 3600_000).toISOString()}`)).toEqual(["win11-offline01.contoso.local"]);
    expect(await q(`id eq '${M.mac}'`)).toEqual(["mac-ws01.contoso.local"]);
    const page = await h.call("GET", "/api/machines?$top=3&$skip=6", { token });
    expect(page.json.value.map((m: any) => m.id)).toEqual(parsed.value.slice(6, 9).map((m) => m.id));
  });

  it("answers 404 to the list when the tenant has no machines at all, as documented", async () => {
    const empty = await startHarness({ scenario: { tenants: [{ id: h.emu.tenantId }], apps: [{ clientId: h.emu.clientId, clientSecret: "s", displayName: "x", roles: ["Machine.Read.All"] }] } });
    try {
      const t = await empty.token(h.emu.clientId, "s");
      expectError(await empty.call("GET", "/api/machines", { token: t }), 404, "ResourceNotFound");
    } finally {
      await empty.close();
    }
  });

  it("rejects a bad $filter with 400 ODataError naming the position, and $top over 10,000 with InvalidInput", async () => {
    const res = await h.call("GET", `/api/machines?$filter=${encodeURIComponent("healthStatus eq")}`, { token });
    expectError(res, 400, "ODataError");
    expect(res.json.error.message).toMatch(/at position 15/);
    expectError(await h.call("GET", "/api/machines?$top=10001", { token }), 400, "InvalidInput");
  });

  it("finds machines by tag, exactly or by prefix", async () => {
    const exact = await h.call("GET", "/api/machines/findbytag?tag=finance", { token });
    expect(exact.json.value).toHaveLength(3);
    const none = await h.call("GET", "/api/machines/findbytag?tag=fin", { token });
    expect(none.json.value).toHaveLength(0);
    const prefix = await h.call("GET", "/api/machines/findbytag?tag=fin&useStartsWithFilter=true", { token });
    expect(prefix.json.value).toHaveLength(3);
  });
});

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

describe("permissions (§2, §4–§6, §8)", () => {
  it("needs Machine.CollectForensics to collect: 403 naming required and held roles", async () => {
    const reader = await h.token(READER_CLIENT_ID);
    const res = await h.call("POST", `/api/machines/${M.win11}/collectInvestigationPackage`, { token: reader, body: { Comment: "x" } });
    expectError(res, 403, "Forbidden");
    expect(res.json.error.message).toBe("Missing application roles. API required roles: Machine.CollectForensics, application roles: Machine.Read.All.");
  });

  it("needs Machine.Read.All or Machine.ReadWrite.All to read, and any action role to cancel", async () => {
    const { ISOLATOR_CLIENT_ID } = await import("../../emulator/scenario/defaultScenario");
    const isolator = await h.token(ISOLATOR_CLIENT_ID);
    const res = await h.call("GET", `/api/machineactions/${DEFAULT_ACTIONS.running}`, { token: isolator });
    expectError(res, 403, "Forbidden");
    expect(res.json.error.message).toBe("Missing application roles. API required roles: Machine.Read.All,Machine.ReadWrite.All, application roles: Machine.Isolate.");
    expectError(await h.call("GET", `/api/machineactions/${DEFAULT_ACTIONS.succeeded}/GetPackageUri`, { token: isolator }), 403, "Forbidden");
    const cancelled = await h.call("POST", `/api/machineactions/${DEFAULT_ACTIONS.running}/cancel`, { token: isolator, body: {} });
    expect(cancelled.status).toBe(200);
    expect(cancelled.json.cancellationRequestor).toBe("Isolation Bot");
  });
});

describe("errors (§8)", () => {
  it("sends MDE-shaped error bodies whose target is the request's correlation id", async () => {
    const res = await h.call("GET", "/api/machines/nope", { token });
    expect(Object.keys(res.json)).toEqual(["error"]);
    expect(Object.keys(res.json.error).sort()).toEqual(["code", "message", "target"]);
    expect(res.json.error.target).toMatch(/^[0-9a-f-]{36}$/);
  });
});

it("uses the CA file it reports", () => {
  expect(readFileSync(h.emu.caFile, "utf8")).toMatch(/BEGIN CERTIFICATE/);
});
