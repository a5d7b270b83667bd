/**
 * MdeClient against a real loopback server: exact requests, auth refresh, throttling, drift in
 * the wire format, typed errors, and that no credential shows up in messages or logs.
 */
import { MdeClient, type MdeClientOptions } from "../../provider/api/client";
import type { QuotaWaitEvent } from "../../provider/api/clientPipeline";
import { MdeForbiddenError, MdeNotFoundError, MdeUnauthorizedError, MdeUnexpectedResponseError, MdeValidationError } from "../../provider/api/errors";
import { closeSharedClients, getSharedClient } from "../../provider/api/shared";
import {
  ACTION_ID, actionWire, type Handler, InstantClock, json, MACHINE_ID, machineWire, mdeError, MemoryLogger, settingsFor, startServer,
  StaticCredential, type TestServer,
} from "./helpers";

const LINK = "https://userrequests-us.securitycenter.windows.com:443/safedownload/WDATP_Investigation_Package.zip?token=tok-Zq9x81&sig=sIgvalue";

let server: TestServer;
let client: MdeClient;
let logger: MemoryLogger;
let clock: InstantClock;
let credential: StaticCredential;

async function setup(handler: Handler, options: Partial<MdeClientOptions> & { tokens?: string[] } = {}) {
  server = await startServer(handler);
  clock = new InstantClock();
  logger = new MemoryLogger();
  credential = new StaticCredential(options.tokens ?? ["tok-1"], clock);
  client = new MdeClient(settingsFor(server.url), { clock, credential, logger, retry: { random: () => 0.5 }, ...options });
}
afterEach(async () => {
  await client?.close();
  await server?.close();
});

describe("auth", () => {
  it("refreshes the token once on a 401 and retries with the new one", async () => {
    await setup(
      (req, res) => (req.headers.authorization === "Bearer tok-1" ? mdeError(res, 401, "Unauthorized", "expired") : json(res, 200, actionWire())),
      { tokens: ["tok-1", "tok-2"] },
    );
    expect((await client.getMachineAction(ACTION_ID)).id).toBe(ACTION_ID);
    expect(server.requests.map((r) => r.headers.authorization)).toEqual(["Bearer tok-1", "Bearer tok-2"]);
    expect(credential.calls).toBe(2);
  });

  it("gives up after the refreshed token is refused too, with a message saying what to check", async () => {
    await setup((_req, res) => mdeError(res, 401, "Unauthorized", "bad audience"), { tokens: ["tok-1", "tok-2", "tok-3"] });
    const e = await client.getMachineAction(ACTION_ID).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(MdeUnauthorizedError);
    expect((e as Error).message).toMatch(/mde:tokenScope/);
    expect(server.requests).toHaveLength(2);
  });

  it("reuses the cached token across calls", async () => {
    await setup((_req, res) => json(res, 200, actionWire()));
    await client.getMachineAction(ACTION_ID);
    await client.getMachineAction(ACTION_ID);
    expect(credential.calls).toBe(1);
  });
});

describe("throttling", () => {
  it("waits for Retry-After on a 429, then succeeds", async () => {
    let n = 0;
    await setup((_req, res) => (n++ === 0 ? mdeError(res, 429, "TooManyRequests", "quota", { "retry-after": "7" }) : json(res, 200, actionWire())));
    const retries: number[] = [];
    await client.close();
    client = new MdeClient(settingsFor(server.url), { clock, credential, logger, onRetry: (i) => retries.push(i.delayMs) });
    await client.getMachineAction(ACTION_ID);
    expect(clock.sleeps).toEqual([7000]);
    expect(retries).toEqual([7000]);
    expect(server.requests).toHaveLength(2);
    expect(logger.lines.join("\n")).toMatch(/attempt 1 failed .*retrying in 7\.0 s/);
  });

  it("holds the third GetPackageUri call of a minute for 60 s before sending it", async () => {
    await setup((_req, res) => json(res, 200, { value: "https://x.example/p.zip?sig=1" }));
    const waits: [string, number][] = [];
    await client.close();
    client = new MdeClient(settingsFor(server.url), { clock, credential, logger, onWait: (f, ms) => waits.push([f, ms]) });
    for (let i = 0; i < 3; i++) await client.getPackageUri(ACTION_ID);
    expect(waits).toEqual([["packageUri", 60_000]]);
    expect(clock.sleeps).toEqual([60_000]);
    expect(logger.lines.filter((l) => l.includes("quota"))).toEqual(["info: MDE packageUri quota: waiting 60.0 s for a free slot."]);
  });

  it("reports a quota wait as an event to a caller that shows waits its own way, and writes no line for it", async () => {
    await setup((_req, res) => json(res, 200, { value: "https://x.example/p.zip?sig=1" }));
    const events: QuotaWaitEvent[] = [];
    await client.close();
    client = new MdeClient(settingsFor(server.url), { clock, credential, logger, onQuotaWait: (e) => events.push(e) });
    for (let i = 0; i < 3; i++) await client.getPackageUri(ACTION_ID);
    expect(events).toEqual([{ family: "packageUri", waitMs: 60_000 }]);
    expect(logger.lines.filter((l) => l.includes("quota"))).toEqual([]);
  });
});

describe("machine actions", () => {
  it("gets an action and tolerates documented drift: Canceled, lastUpdateTimeUtc, externalID, extra fields", async () => {
    await setup((_req, res) =>
      json(res, 200, actionWire({
        status: "Canceled", lastUpdateDateTimeUtc: undefined, lastUpdateTimeUtc: "2026-01-01T00:05:00Z", externalId: undefined,
        externalID: "case-42", brandNewField: { nested: true }, errorHResult: -2147024891,
      })),
    );
    const a = await client.getMachineAction(ACTION_ID.toUpperCase());
    expect(server.requests[0].url).toBe(`/api/machineactions/${ACTION_ID}`);
    expect(a).toMatchObject({ status: "Cancelled", lastUpdateDateTimeUtc: "2026-01-01T00:05:00Z", externalId: "case-42", errorHResult: -2147024891 });
    expect(a).not.toHaveProperty("brandNewField");
  });

  it("names the route and the field when a reply does not match the schema", async () => {
    await setup((_req, res) => json(res, 200, actionWire({ status: "Exploded" })));
    const e = await client.getMachineAction(ACTION_ID).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(MdeUnexpectedResponseError);
    expect((e as Error).message).toMatch(/^MDE's reply to GET \/api\/machineactions\/\{id\} does not have the documented shape \(status: /);
  });

  it("returns the package link with the documented literal quotes stripped, and never logs it", async () => {
    await setup((_req, res) => json(res, 200, { "@odata.context": "x/$metadata#Edm.String", value: `"${LINK}"` }));
    expect(await client.getPackageUri(ACTION_ID)).toBe(LINK);
    expect(server.requests[0].url).toBe(`/api/machineactions/${ACTION_ID}/GetPackageUri`);
    expect(logger.lines.join("\n")).not.toContain("tok-Zq9x81");
  });

  it("reports a 404 for a package that is not ready as not found", async () => {
    await setup((_req, res) => mdeError(res, 404, "ResourceNotFound", "Package not found"));
    await expect(client.getPackageUri(ACTION_ID)).rejects.toBeInstanceOf(MdeNotFoundError);
    expect(server.requests).toHaveLength(1);
  });

  it("cancels with a Comment body", async () => {
    await setup((_req, res) => json(res, 200, actionWire({ status: "Cancelled", cancellationComment: "no longer needed" })));
    const a = await client.cancelMachineAction(ACTION_ID, "no longer needed");
    expect(a.status).toBe("Cancelled");
    expect(server.requests[0]).toMatchObject({ method: "POST", url: `/api/machineactions/${ACTION_ID}/cancel`, body: '{"Comment":"no longer needed"}' });
  });

  it("names the missing role when MDE answers 403", async () => {
    await setup((_req, res) =>
      mdeError(res, 403, "Forbidden", "Missing application roles. API required roles: Machine.CollectForensics, application roles: Machine.Read.All."),
    );
    const e = (await client.collectInvestigationPackage(MACHINE_ID, "x").catch((x: unknown) => x)) as MdeForbiddenError;
    expect(e).toBeInstanceOf(MdeForbiddenError);
    expect(e.missingRoles).toEqual(["Machine.CollectForensics"]);
    expect(e.message).toContain("lacks the application permission Machine.CollectForensics (the token has: Machine.Read.All)");
    expect(e.message).toContain("API permissions");
    expect(server.requests).toHaveLength(1); // never retried
  });
});

describe("machines", () => {
  it("gets a machine by id or by computer name, encoding the name", async () => {
    await setup((_req, res) => json(res, 200, machineWire(MACHINE_ID, "pc #1.contoso.com")));
    await client.getMachine(MACHINE_ID.toUpperCase());
    await client.getMachine("pc #1.contoso.com");
    expect(server.requests.map((r) => r.url)).toEqual([`/api/machines/${MACHINE_ID}`, "/api/machines/pc%20%231.contoso.com"]);
    await expect(client.getMachine("../machineactions")).rejects.toBeInstanceOf(MdeValidationError);
    expect(server.requests).toHaveLength(2);
  });

  it("treats 404 on the machine list as an empty list", async () => {
    await setup((_req, res) => mdeError(res, 404, "ResourceNotFound", "No machines found"));
    expect(await client.listMachines()).toEqual([]);
  });

  it("filters with escaped OData literals", async () => {
    await setup((_req, res) => json(res, 200, { value: [machineWire(MACHINE_ID, "o'brien-pc")] }));
    const machines = await client.listMachines({ filter: "computerDnsName eq 'o''brien-pc'" });
    expect(machines.map((m) => m.computerDnsName)).toEqual(["o'brien-pc"]);
    expect(server.requests[0].query.get("$filter")).toBe("computerDnsName eq 'o''brien-pc'");
  });

  it("finds machines by tag, with the tag as an encoded query value", async () => {
    await setup((_req, res) => json(res, 200, { value: [machineWire(MACHINE_ID, "a", { machineTags: ["Sales & Ops"] })] }));
    const found = await client.findMachinesByTag("Sales & Ops", { startsWith: true });
    expect(found[0].machineTags).toEqual(["Sales & Ops"]);
    expect(server.requests[0].url).toBe("/api/machines/findbytag?tag=Sales%20%26%20Ops&useStartsWithFilter=true");
  });
});

describe("getSharedClient", () => {
  afterEach(() => closeSharedClients());
  it("returns one client per settings key, so quota and tokens are shared", async () => {
    await setup((_req, res) => json(res, 200, actionWire()));
    const settings = settingsFor(server.url);
    const a = getSharedClient(settings, { credential, clock });
    expect(getSharedClient(settingsFor(server.url), { credential: new StaticCredential(["other"]) })).toBe(a);
    expect(getSharedClient(settingsFor(server.url, { AZURE_TENANT_ID: "contoso.onmicrosoft.com" }), { credential, clock })).not.toBe(a);
    await a.getMachineAction(ACTION_ID);
    expect(server.requests[0].headers.authorization).toBe("Bearer tok-1");
  });
});

describe("redaction end to end", () => {
  it("keeps tokens and download-link queries out of error messages and log lines", async () => {
    let n = 0;
    const jwt = "eyJ0eXAiOiJKV1QifQ.eyJyb2xlcyI6W119.c2lnbmF0dXJl";
    await setup(
      (req, res) =>
        n++ < 1
          ? mdeError(res, 503, "ServiceUnavailable", `cannot serve ${LINK} for ${req.headers.authorization}`)
          : mdeError(res, 500, "InternalServerError", `token ${jwt} rejected; link ${LINK}`),
      { tokens: [jwt], retry: { maxAttempts: 2, random: () => 0.5 } },
    );
    const e = (await client.getPackageUri(ACTION_ID).catch((x: unknown) => x)) as Error;
    const everything = [e.message, ...logger.lines].join("\n");
    expect(logger.lines.length).toBeGreaterThan(0);
    for (const leak of [jwt, "tok-Zq9x81", "sIgvalue"]) expect(everything).not.toContain(leak);
    expect(everything).toContain("WDATP_Investigation_Package.zip?[REDACTED]");
  });
});
