import { Agent } from "undici";
import { MdeNetworkError, MdeNotFoundError } from "../../provider/api/errors";
import type { MdeRequest } from "../../provider/api/pipeline";
import { Transport, userAgent } from "../../provider/api/transport";
import { InstantClock, json, mdeError, startServer, type TestServer } from "./helpers";

const VERSION = (require("../../package.json") as { version: string }).version;

function request(server: TestServer, over: Partial<MdeRequest> = {}): MdeRequest {
  return { method: "GET", url: `${server.url}/api/machines`, route: "GET /api/machines", family: "read", idempotent: true, ...over };
}

describe("Transport against a loopback server", () => {
  let server: TestServer;
  let transport: Transport;
  afterEach(async () => {
    await transport?.close();
    await server?.close();
  });

  it("sends JSON with the package's User-Agent and parses JSON replies", async () => {
    server = await startServer((_req, res) => json(res, 201, { id: "a" }));
    transport = new Transport({ clock: new InstantClock() });
    const res = await transport.send(request(server, { method: "POST", body: { Comment: "hi" }, headers: { Authorization: "Bearer t" } }));
    expect(res).toMatchObject({ status: 201, body: { id: "a" } });
    const sent = server.requests[0];
    expect(userAgent()).toBe(`pulumi-mde-forensics/${VERSION}`);
    expect(sent.headers["user-agent"]).toBe(`pulumi-mde-forensics/${VERSION}`);
    expect(sent.headers["content-type"]).toBe("application/json");
    expect(sent.headers.accept).toBe("application/json");
    expect(sent.headers.authorization).toBe("Bearer t");
    expect(sent.body).toBe('{"Comment":"hi"}');
  });

  it("reuses one keep-alive connection for consecutive calls", async () => {
    const remotePorts: (number | undefined)[] = [];
    server = await startServer((_req, res, raw) => {
      remotePorts.push(raw.socket.remotePort);
      json(res, 200, {});
    });
    transport = new Transport({ clock: new InstantClock() });
    for (let i = 0; i < 6; i++) await transport.send(request(server));
    expect(remotePorts).toHaveLength(6);
    // undici may open a second socket while the first finishes its body; it must not open one per call.
    expect(new Set(remotePorts).size).toBeLessThanOrEqual(2);
  });

  it("turns non-2xx replies into typed errors at this edge", async () => {
    server = await startServer((_req, res) => mdeError(res, 404, "ResourceNotFound", "Machine x was not found"));
    transport = new Transport({ clock: new InstantClock() });
    await expect(transport.send(request(server, { url: `${server.url}/api/machines/x?$top=1` }))).rejects.toMatchObject({
      constructor: MdeNotFoundError,
      path: "/api/machines/x",
      code: "ResourceNotFound",
    });
  });

  it("reports a reset after the request was sent as an ambiguous network error", async () => {
    server = await startServer((_req, _res, raw) => raw.socket.destroy());
    transport = new Transport({ clock: new InstantClock() });
    const e = (await transport.send(request(server, { method: "POST", body: {} })).catch((x: unknown) => x)) as MdeNetworkError;
    expect(e).toBeInstanceOf(MdeNetworkError);
    expect(e.ambiguous).toBe(true);
    expect(e.networkCode).toBe("UND_ERR_SOCKET");
    expect(e.message).toMatch(/may have reached MDE/);
  });

  it("reports a refused connection as not sent", async () => {
    server = await startServer(() => undefined);
    const url = server.url;
    await server.close();
    transport = new Transport({ clock: new InstantClock() });
    const e = (await transport.send({ ...request(server), url: `${url}/api/machines` }).catch((x: unknown) => x)) as MdeNetworkError;
    expect(e).toMatchObject({ networkCode: "ECONNREFUSED", ambiguous: false, transient: true });
    expect(e.message).toMatch(/did not reach MDE/);
  });

  it("times out waiting for headers (named, configurable limit)", async () => {
    server = await startServer(() => undefined); // never answers
    transport = new Transport({ clock: new InstantClock(), headersTimeoutMs: 200 });
    await expect(transport.send(request(server))).rejects.toMatchObject({ networkCode: "UND_ERR_HEADERS_TIMEOUT", ambiguous: true });
  });

  it("stays usable after close(): the next call opens a new connection", async () => {
    server = await startServer((_req, res) => json(res, 200, {}));
    transport = new Transport({ clock: new InstantClock() });
    await transport.send(request(server));
    await transport.close();
    await expect(transport.send(request(server))).resolves.toMatchObject({ status: 200 });
  });

  it("uses an injected dispatcher and leaves it open on close", async () => {
    server = await startServer((_req, res) => json(res, 200, { ok: 1 }));
    const agent = new Agent();
    transport = new Transport({ clock: new InstantClock(), dispatcher: agent });
    await transport.send(request(server));
    await transport.close();
    expect(agent.closed).toBe(false);
    await agent.close();
  });
});
