/**
 * Behind a proxy, through the real Pulumi CLI and engine: the provider process inherits
 * HTTPS_PROXY as a user's `pulumi up` would, and reaches the emulator by a name only the proxy
 * resolves (`mde.emulator.test`), so sign-in, MDE calls and the package download either went
 * through the proxy or failed.
 */
import { DEFAULT_MACHINES } from "../../emulator";
import { PROXIED_HOST } from "../../emulator/server/certs";
import { emulatorStackConfig } from "../../scripts/lib/emulatorConfig";
import { EmulatedTenant, succeeded } from "../helpers/e2e";
import { LoopbackProxy } from "../helpers/loopbackProxy";

let tenant: EmulatedTenant;
// A backstop for a hung run on a loaded machine, not a speed assertion.
jest.setTimeout(600_000);
let proxy: LoopbackProxy;

beforeAll(async () => {
  tenant = await EmulatedTenant.start({ timeScale: 60 });
  proxy = await LoopbackProxy.start();
});

afterAll(async () => {
  await tenant.close();
  await proxy.close();
}, 600_000);

it("collects and keeps the package with every connection through HTTPS_PROXY", async () => {
  const { win11 } = DEFAULT_MACHINES;
  const proxied = `https://${PROXIED_HOST}:${tenant.emulator.port}`;
  const cli = tenant.stack("proxied", {});
  cli.setConfig({
    ...emulatorStackConfig(tenant.emulator, 60),
    "mde:apiUrl": { value: proxied },
    "mde:authorityHost": { value: proxied },
    "collections-e2e:collections": { value: JSON.stringify({ ws: { machineId: win11, comment: "INC-30: behind the proxy", evidenceDirectory: `${tenant.dir}/evidence` } }) },
  });
  const up = await succeeded(cli.start("up", { HTTPS_PROXY: proxy.url() }), "up");
  const ws = up.outputs.results.ws;
  expect(ws).toMatchObject({ status: "Succeeded", adopted: false, packageSha256: (await tenant.emulator.packageInfo(ws.actionId))!.sha256 });
  expect(tenant.collectPosts(win11)).toBe(1);
  expect(proxy.tunnels().length).toBeGreaterThanOrEqual(3);
  expect(new Set(proxy.tunnels())).toEqual(new Set([`${PROXIED_HOST}:${tenant.emulator.port}`]));
});
