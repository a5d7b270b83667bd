import { MdeClient } from "../../provider/api/client";
import { actionWire, type Handler, InstantClock, json, MemoryLogger, settingsFor, startServer, StaticCredential, type TestServer } from "./helpers";

const ids = Array.from({ length: 5 }, (_, i) => `00000000-0000-4000-8000-00000000000${i}`);
const actions = ids.map((id) => actionWire({ id }));

let server: TestServer;
let client: MdeClient;
let logger: MemoryLogger;
async function setup(handler: Handler, pageSize = 2) {
  server = await startServer(handler);
  const clock = new InstantClock();
  logger = new MemoryLogger();
  client = new MdeClient(settingsFor(server.url), { clock, credential: new StaticCredential(["t"], clock), logger, pageSize });
}
afterEach(async () => {
  await client?.close();
  await server?.close();
});

/** Serves `actions` honouring $top/$skip like MDE. */
const topSkip: Handler = (req, res) => {
  const top = Number(req.query.get("$top") ?? 10000);
  const skip = Number(req.query.get("$skip") ?? 0);
  json(res, 200, { value: actions.slice(skip, skip + top) });
};

describe("listMachineActions paging", () => {
  it("pages with $top and $skip until a short page", async () => {
    await setup(topSkip);
    const all = await client.listMachineActions({ filter: "status eq 'Pending'" });
    expect(all.map((a) => a.id)).toEqual(ids);
    expect(server.requests.map((r) => `${r.query.get("$top")}/${r.query.get("$skip")}`)).toEqual(["2/null", "2/2", "2/4"]);
    expect(server.requests.every((r) => r.query.get("$filter") === "status eq 'Pending'")).toBe(true);
  });

  it("stops at top and starts at skip", async () => {
    await setup(topSkip);
    const some = await client.listMachineActions({ top: 3, skip: 1 });
    expect(some.map((a) => a.id)).toEqual(ids.slice(1, 4));
    expect(server.requests.map((r) => `${r.query.get("$top")}/${r.query.get("$skip")}`)).toEqual(["2/1", "1/3"]);
  });

  it("uses the 10 000 maximum page size by default", async () => {
    await setup(topSkip, undefined);
    await client.close();
    client = new MdeClient(settingsFor(server.url), { clock: new InstantClock(), credential: new StaticCredential() });
    await client.listMachineActions();
    expect(server.requests.map((r) => r.url)).toEqual(["/api/machineactions?$top=10000"]);
  });

  it("follows a same-origin @odata.nextLink", async () => {
    await setup((req, res) => {
      if (req.query.get("$skiptoken") === "p2") return json(res, 200, { value: actions.slice(2, 3) });
      json(res, 200, { value: actions.slice(0, 2), "@odata.nextLink": `${server.url}/api/machineactions?$skiptoken=p2` });
    }, 10);
    const all = await client.listMachineActions();
    expect(all.map((a) => a.id)).toEqual(ids.slice(0, 3));
    expect(server.requests.map((r) => r.url)).toEqual(["/api/machineactions?$top=10", "/api/machineactions?$skiptoken=p2"]);
  });

  it("never sends the token to a nextLink on another origin; pages with $skip instead", async () => {
    await setup((req, res) => {
      const skip = Number(req.query.get("$skip") ?? 0);
      json(res, 200, { value: actions.slice(skip, skip + 2), "@odata.nextLink": "https://evil.example/api/machineactions?$skiptoken=x" });
    });
    const all = await client.listMachineActions();
    expect(all).toHaveLength(5);
    expect(server.requests.map((r) => r.query.get("$skip"))).toEqual([null, "2", "4"]);
    expect(logger.lines.some((l) => l.includes("another origin (https://evil.example)"))).toBe(true);
  });
});
