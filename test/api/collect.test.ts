/**
 * Starting a collection against a real loopback server: exact requests, adoption of an
 * already-running collection, and no duplicate POST after an ambiguous failure.
 */
import { MdeClient, type MdeClientOptions } from "../../provider/api/client";
import { MdeAlreadyRunningError, MdeError, MdeValidationError } from "../../provider/api/errors";
import {
  ACTION_ID, actionWire, COMMENT, type Handler, InstantClock, json, MACHINE_ID, mdeError, MemoryLogger, type Recorded, settingsFor,
  startServer, StaticCredential, type TestServer,
} from "./helpers";

const VERSION = (require("../../package.json") as { version: string }).version;
const OTHER_ID = "0b8d3a3e-1111-4c4c-9d9d-aaaaaaaaaaaa";
const NEWEST_ID = "0b8d3a3e-2222-4c4c-9d9d-bbbbbbbbbbbb";
const POST_PATH = `/api/machines/${MACHINE_ID}/collectInvestigationPackage`;
/** Any status: a POST whose reply was lost may have created a collection that already finished. */
const COLLECTIONS_FILTER = `type eq 'CollectInvestigationPackage' and (machineId eq '${MACHINE_ID}')`;

let server: TestServer;
let client: MdeClient;
let logger: MemoryLogger;

async function setup(handler: Handler, options: Partial<MdeClientOptions> = {}) {
  server = await startServer(handler);
  const clock = new InstantClock();
  logger = new MemoryLogger();
  client = new MdeClient(settingsFor(server.url), { clock, credential: new StaticCredential(["tok-1"], clock), logger, ...options });
  return clock;
}
afterEach(async () => {
  await client?.close();
  await server?.close();
});

const calls = () => server.requests.map((r: Recorded) => `${r.method} ${r.pathname}`);
const runningList = (...actions: Record<string, unknown>[]) => ({ "@odata.context": "x", value: actions });

describe("collectInvestigationPackage", () => {
  it("POSTs exactly the documented request and returns the new action", async () => {
    await setup((_req, res) => json(res, 201, actionWire()));
    const result = await client.collectInvestigationPackage(MACHINE_ID.toUpperCase(), `  ${COMMENT} `);
    expect(result.adopted).toBe(false);
    expect(result.action).toMatchObject({ id: ACTION_ID, status: "Pending", machineId: MACHINE_ID, requestorComment: COMMENT });
    expect(server.requests).toHaveLength(1);
    const [post] = server.requests;
    expect(post.method).toBe("POST");
    expect(post.url).toBe(POST_PATH);
    expect(post.headers.authorization).toBe("Bearer tok-1");
    expect(post.headers["user-agent"]).toBe(`pulumi-mde-forensics/${VERSION}`);
    expect(post.headers["content-type"]).toBe("application/json");
    expect(post.body).toBe(JSON.stringify({ Comment: COMMENT }));
  });

  it("accepts any 2xx, such as 200", async () => {
    await setup((_req, res) => json(res, 200, actionWire()));
    expect((await client.collectInvestigationPackage(MACHINE_ID, COMMENT)).adopted).toBe(false);
  });

  it("adopts the newest running collection on 400 ActiveRequestAlreadyExists", async () => {
    await setup((req, res) => {
      if (req.method === "POST") return mdeError(res, 400, "ActiveRequestAlreadyExists", "Action is already in progress");
      json(res, 200, runningList(
        actionWire({ id: OTHER_ID, status: "InProgress", requestorComment: "someone else", creationDateTimeUtc: "2025-12-31T23:50:00Z" }),
        actionWire({ id: NEWEST_ID, status: "Pending", requestorComment: "someone else", creationDateTimeUtc: "2025-12-31T23:55:00.1234567Z" }),
      ));
    });
    const result = await client.collectInvestigationPackage(MACHINE_ID, COMMENT);
    expect(result).toMatchObject({ adopted: true, action: { id: NEWEST_ID, status: "Pending" } });
    expect(calls()).toEqual([`POST ${POST_PATH}`, "GET /api/machineactions"]);
    const list = server.requests[1];
    expect(list.query.get("$filter")).toBe(COLLECTIONS_FILTER);
    // The WHATWG URL parser also encodes ' in queries; MDE decodes both forms alike.
    expect(list.url).toBe(`/api/machineactions?$filter=${encodeURIComponent(COLLECTIONS_FILTER).replace(/'/g, "%27")}&$top=10000`);
    expect(logger.lines.join("\n")).toMatch(/already running on machine .* adopting it/);
  });

  it("treats a plain 400 'already in progress' the same way", async () => {
    await setup((req, res) => {
      if (req.method === "POST") return mdeError(res, 400, "BadRequest", "Action is already in progress");
      json(res, 200, runningList(actionWire({ requestorComment: "other" })));
    });
    expect((await client.collectInvestigationPackage(MACHINE_ID, COMMENT)).adopted).toBe(true);
  });

  it("explains an already-running 400 when nothing running is listed", async () => {
    await setup((req, res) => (req.method === "POST" ? mdeError(res, 400, "ActiveRequestAlreadyExists", "busy") : json(res, 200, runningList())));
    const e = await client.collectInvestigationPackage(MACHINE_ID, COMMENT).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(MdeAlreadyRunningError);
    expect((e as Error).message).toMatch(/nothing to adopt/);
    expect((e as MdeError).correlationId).toBe("corr-0001");
  });

  it("does not look for a running collection after an unrelated 400", async () => {
    await setup((_req, res) => mdeError(res, 400, "OsPlatformNotSupported", "OS Platform Linux isn't supported for this action"));
    await expect(client.collectInvestigationPackage(MACHINE_ID, COMMENT)).rejects.toMatchObject({ status: 400, code: "OsPlatformNotSupported" });
    expect(calls()).toEqual([`POST ${POST_PATH}`]);
  });

  it("counts a 2xx carrying an older or foreign action as adopted (tenants that return the running action)", async () => {
    await setup((_req, res) => json(res, 201, actionWire({ requestorComment: COMMENT, creationDateTimeUtc: "2025-12-31T23:58:59Z" })));
    expect((await client.collectInvestigationPackage(MACHINE_ID, COMMENT)).adopted).toBe(true);
    await client.close();
    await server.close();
    await setup((_req, res) => json(res, 201, actionWire({ requestorComment: "started by an analyst" })));
    expect((await client.collectInvestigationPackage(MACHINE_ID, COMMENT)).adopted).toBe(true);
  });

  it("lists, then adopts, after the connection dies once the POST was sent, and never POSTs again", async () => {
    const clock = await setup((req, res, raw) => {
      if (req.method === "POST") return raw.socket.destroy();
      json(res, 200, runningList(actionWire({ id: OTHER_ID, requestorComment: "portal", creationDateTimeUtc: "2025-12-31T22:00:00Z" })));
    }, { retry: { random: () => 0.5 } });
    const result = await client.collectInvestigationPackage(MACHINE_ID, COMMENT);
    expect(result).toMatchObject({ adopted: true, action: { id: OTHER_ID } });
    expect(calls()).toEqual([`POST ${POST_PATH}`, "GET /api/machineactions"]);
    expect(clock.sleeps).toEqual([1000]); // one back-off before looking (random 0.5 → no jitter)
  });

  it("recognises its own action after an ambiguous failure (the POST got through) as not adopted", async () => {
    await setup((req, res, raw) => (req.method === "POST" ? raw.socket.destroy() : json(res, 200, runningList(actionWire()))), { retry: { random: () => 0.5 } });
    expect((await client.collectInvestigationPackage(MACHINE_ID, COMMENT)).adopted).toBe(false);
    expect(server.requests.filter((r) => r.method === "POST")).toHaveLength(1);
  });

  it("re-POSTs after an ambiguous failure only when no collection is running", async () => {
    let posts = 0;
    await setup((req, res, raw) => {
      if (req.method === "GET") return json(res, 200, runningList());
      if (posts++ === 0) return raw.socket.destroy();
      json(res, 201, actionWire());
    });
    const result = await client.collectInvestigationPackage(MACHINE_ID, COMMENT);
    expect(result.adopted).toBe(false);
    expect(calls()).toEqual([`POST ${POST_PATH}`, "GET /api/machineactions", `POST ${POST_PATH}`]);
  });

  it("stops at the resource's deadline, not after a count of POSTs, having looked for a collection after each", async () => {
    const clock = await setup((req, res, raw) => (req.method === "GET" ? json(res, 200, runningList()) : raw.socket.destroy()), { retry: { random: () => 0.5 } });
    const deadlineMs = clock.now() + 10_000;
    await expect(client.collectInvestigationPackage(MACHINE_ID, COMMENT, { deadlineMs })).rejects.toMatchObject({ name: "MdeNetworkError", ambiguous: true });
    // Back-offs of 1, 2 and 4 s, then the 3 s left: the last POST's outcome is settled by a look at the deadline.
    expect(clock.sleeps).toEqual([1000, 2000, 4000, 3000]);
    expect(clock.now()).toBe(deadlineMs);
    expect(calls()).toEqual([1, 2, 3, 4].flatMap(() => [`POST ${POST_PATH}`, "GET /api/machineactions"]));
    expect(logger.lines.join("\n")).toMatch(/4 POST\(s\) failed and none created a collection before the time allowed \(timeoutMinutes\) ran out/);
  });

  it("rides out minutes of 503s on the POST within timeoutMinutes (virtual time): one collection, created by the first POST MDE accepted", async () => {
    let posts = 0;
    // Eight refusals: 1+2+4+8+16+30+30+30 s of back-off, more than two minutes, where three POSTs used to end it.
    const clock = await setup((req, res) => {
      if (req.method === "GET") return json(res, 200, runningList());
      if (++posts <= 8) return mdeError(res, 503, "ServiceUnavailable", "busy");
      json(res, 201, actionWire());
    }, { retry: { random: () => 0.5 } });
    const started = clock.now();
    const result = await client.collectInvestigationPackage(MACHINE_ID, COMMENT, { deadlineMs: started + 30 * 60_000 });
    expect(result).toMatchObject({ adopted: false, action: { id: ACTION_ID } });
    expect(posts).toBe(9);
    expect(clock.now() - started).toBe(121_000);
    // Never a POST without a look first: no second collection can come of a refused one.
    expect(calls()).toEqual([...Array.from({ length: 8 }, () => [`POST ${POST_PATH}`, "GET /api/machineactions"]).flat(), `POST ${POST_PATH}`]);
  });

  it("without a deadline, keeps to the retry budget (maxTotalMs) rather than a count", async () => {
    const clock = await setup((req, res) => (req.method === "GET" ? json(res, 200, runningList()) : mdeError(res, 503, "ServiceUnavailable", "busy")), { retry: { random: () => 0.5, maxTotalMs: 60_000 } });
    const started = clock.now();
    await expect(client.collectInvestigationPackage(MACHINE_ID, COMMENT)).rejects.toMatchObject({ status: 503 });
    expect(clock.now() - started).toBe(60_000);
    expect(server.requests.filter((r) => r.method === "POST").length).toBe(6);
  });

  it("treats a 5xx on the POST as an unknown outcome too", async () => {
    await setup((req, res) => (req.method === "POST" ? mdeError(res, 504, "GatewayTimeout", "upstream timed out") : json(res, 200, runningList(actionWire()))));
    expect((await client.collectInvestigationPackage(MACHINE_ID, COMMENT)).action.id).toBe(ACTION_ID);
    expect(calls()).toEqual([`POST ${POST_PATH}`, "GET /api/machineactions"]);
  });

  it("validates its input before any call", async () => {
    await setup((_req, res) => json(res, 201, actionWire()));
    await expect(client.collectInvestigationPackage("not-a-machine", COMMENT)).rejects.toBeInstanceOf(MdeValidationError);
    await expect(client.collectInvestigationPackage(MACHINE_ID, " ")).rejects.toThrow(/Comment must not be empty/);
    expect(server.requests).toHaveLength(0);
  });
});
