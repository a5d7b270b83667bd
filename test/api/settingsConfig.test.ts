/**
 * The emulator's settings as stack config and as environment read back, through resolveSettings,
 * as the same settings: a runner process (environment) and a Pulumi program (stack config)
 * pointed at one emulator call the same API with the same application and time scale.
 */
import { resolveSettings } from "../../provider/api/settings";
import { emulatorEnv, emulatorStackConfig } from "../../scripts/lib/emulatorConfig";

const FACTS = {
  apiUrl: "https://127.0.0.1:8443",
  authorityHost: "https://127.0.0.1:8444",
  tenantId: "72f988bf-86f1-41af-91ab-2d7cd011db47",
  clientId: "11111111-2222-3333-4444-555555555555",
  clientSecret: "Abc~def.SuperSecret_0123456789",
};

const essentials = (s: ReturnType<typeof resolveSettings>) => ({
  apiUrl: s.apiUrl,
  authorityHost: s.authorityHost,
  tenantId: s.tenantId,
  clientId: s.clientId,
  clientSecret: s.secrets.clientSecret,
  timeScale: s.rateLimits.timeScale,
});

describe("an emulator's settings as environment and as stack config", () => {
  it("read back as the same settings, the environment in MDE_*/AZURE_* variables", () => {
    const env = emulatorEnv(FACTS, 10);
    expect(env).toMatchObject({ MDE_API_URL: FACTS.apiUrl, AZURE_CLIENT_SECRET: FACTS.clientSecret, MDE_RATE_LIMITS: JSON.stringify({ timeScale: 10 }) });
    const config = emulatorStackConfig(FACTS, 10);
    expect(config["mde:clientSecret"]).toEqual({ value: FACTS.clientSecret, secret: true });
    const fromEnv = essentials(resolveSettings({ env, config: () => undefined }));
    const fromConfig = essentials(resolveSettings({ env: {}, config: (key) => config[`mde:${key}`]?.value }));
    expect(fromEnv).toEqual({ ...FACTS, authorityHost: expect.stringContaining("127.0.0.1:8444"), timeScale: 10 });
    expect(fromConfig).toEqual(fromEnv);
  });
});
