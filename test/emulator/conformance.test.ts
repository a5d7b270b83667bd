/**
 * Conformance of the API surface: one test per documented rule of the MDE API
 * (shared/reference/mde-api.md) for transport, machines, permissions and error bodies, over real
 * HTTPS against the emulator on port 0 with a manual clock. Machine actions: conformanceActions.test.ts.
 */
import { readFileSync } from "node:fs";
import { Agent, request } from "undici";
import { MachineWireSchema, odataListSchema } from "../../provider/api/schemas";
import { DEFAULT_ACTIONS, DEFAULT_MACHINES as M, READER_CLIENT_ID } from "../../emulator/scenario/defaultScenario";
import { expectMdeError as expectError, startHarness, startWithToken, type Harness } from "./harness";

let h: Harness;
let token: string;
beforeEach(async () => ({ h, token } = await startWithToken()));
afterEach(() => h.close());

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
