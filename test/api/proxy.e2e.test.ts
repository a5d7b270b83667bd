/**
 * HTTPS_PROXY and NO_PROXY, end to end: the real MdeClient, the real @azure/identity and the
 * evidence download in a child process, through a real forwarding proxy (npm `proxy`) on loopback
 * that records every tunnel. The emulator is addressed as `mde.emulator.test`, a name only the
 * proxy resolves: a connection that bypassed the proxy would have failed, so success proves that
 * every MDE, token and download connection went through it.
 */
import { DEFAULT_ACTIONS, DEFAULT_MACHINES as M } from "../../emulator/scenario/defaultScenario";
import { PROXIED_HOST } from "../../emulator/server/certs";
import { LoopbackProxy } from "../helpers/loopbackProxy";
import { EmulatorChild } from "./emulatorChild";

let h: EmulatorChild;
beforeAll(async () => {
  h = await EmulatorChild.start();
});
afterAll(() => h.close());

const port = () => h.emu.port;
const proxied = () => `https://${PROXIED_HOST}:${port()}`;
const env = (over: Record<string, string>) => h.env({ AZURE_CLIENT_SECRET: h.emu.clientSecret, MDE_API_URL: proxied(), AZURE_AUTHORITY_HOST: proxied(), ...over });
const requests = (route: string) => Object.values(h.emu.counters().requests[route] ?? {}).reduce((a, b) => a + b, 0);

describe("behind a proxy", () => {
  let proxy: LoopbackProxy;
  beforeEach(async () => {
    proxy = await LoopbackProxy.start();
    h.emu.resetCounters();
  });
  afterEach(() => proxy.close());

  it("sends sign-in, MDE calls and the package download through HTTPS_PROXY", async () => {
    const r = await h.run({ collect: [M.win11], evidence: [DEFAULT_ACTIONS.succeeded] }, env({ HTTPS_PROXY: proxy.url() }));
    expect(r.fatal).toBeUndefined();
    expect(r.collected).toEqual([expect.objectContaining({ ok: true, status: "Pending", adopted: false })]);
    expect(r.kept).toEqual([{ ok: true, id: DEFAULT_ACTIONS.succeeded, sha256: (await h.emu.packageInfo(DEFAULT_ACTIONS.succeeded))!.sha256 }]);
    // Reached only through the proxy: sign-in (discovery + token), the API and the storage link.
    expect(requests("POST /{tenant}/oauth2/v2.0/token")).toBe(1);
    expect(requests("POST /api/machines/{id}/collectInvestigationPackage")).toBe(1);
    expect(h.emu.counters().packageDownloads[DEFAULT_ACTIONS.succeeded]).toBe(1);
    expect(proxy.tunnels().length).toBeGreaterThanOrEqual(3);
    expect(new Set(proxy.tunnels())).toEqual(new Set([`${PROXIED_HOST}:${port()}`]));
  }, 60_000);

  it("lets NO_PROXY hosts go direct: sign-in on localhost skips the proxy, MDE calls do not", async () => {
    const r = await h.run(
      { collect: [M.linux], evidence: [DEFAULT_ACTIONS.succeeded] },
      env({ HTTPS_PROXY: proxy.url(), NO_PROXY: "localhost", AZURE_AUTHORITY_HOST: `https://localhost:${port()}` }),
    );
    expect(r.fatal).toBeUndefined();
    expect(r.collected[0]).toMatchObject({ ok: true });
    expect(r.kept[0]).toMatchObject({ ok: true });
    expect(requests("POST /{tenant}/oauth2/v2.0/token")).toBe(1);
    expect(proxy.tunnels().length).toBeGreaterThanOrEqual(2);
    expect(proxy.tunnels().every((t) => t === `${PROXIED_HOST}:${port()}`)).toBe(true);
    expect(proxy.records.some((t) => t.target.includes("localhost"))).toBe(false);
  }, 60_000);
});

describe("a proxy that refuses", () => {
  const WRONG = "wrong-Pa55word";
  let proxy: LoopbackProxy;
  beforeAll(async () => {
    proxy = await LoopbackProxy.start("ir:correct-horse");
  });
  afterAll(() => proxy.close());

  it("fails the MDE call at once with an error naming the proxy, without its credentials", async () => {
    const r = await h.run(
      { collect: [M.mac] },
      env({ HTTPS_PROXY: proxy.url(`ir:${WRONG}`), NO_PROXY: "localhost", AZURE_AUTHORITY_HOST: `https://localhost:${port()}` }),
    );
    const [outcome] = r.collected;
    expect(outcome.ok).toBe(false);
    expect(outcome.message).toContain(`The proxy http://***@127.0.0.1:${proxy.port} refused to connect to ${PROXIED_HOST}:${port()} (HTTP 407, proxy authentication required`);
    expect(outcome.message).not.toContain(WRONG);
    expect(r.stderr).not.toContain(WRONG);
    expect(proxy.records.filter((x) => x.method === "CONNECT").length).toBeLessThanOrEqual(2);
  }, 60_000);

  it("fails sign-in through it with an error naming the proxy, without its credentials", async () => {
    const r = await h.run({ collect: [M.mac] }, env({ HTTPS_PROXY: proxy.url(`ir:${WRONG}`) }));
    const [outcome] = r.collected;
    expect(outcome.ok).toBe(false);
    expect(outcome.message).toContain(`Sign-in goes through the proxy http://***@127.0.0.1:${proxy.port} (HTTPS_PROXY)`);
    expect(outcome.message).not.toContain(WRONG);
    expect(r.stderr).not.toContain(WRONG);
  }, 120_000);
});
