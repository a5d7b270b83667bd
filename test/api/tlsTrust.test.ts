/**
 * A sign-in to an authority whose certificate this process does not trust (the emulator without
 * its CA, or a TLS-inspecting proxy): the error names the certificate problem and the fix, not
 * the tenant id or the authority host. Runs the real @azure/identity against the emulator,
 * in-process, before anything trusts its CA.
 */
import { startEmulator, type EmulatorHandle } from "../../emulator";
import { CachingTokenSource, createCredential } from "../../provider/api/auth";
import { resolveSettings } from "../../provider/api/settings";
import { tlsTrustAdvice, tlsTrustCode } from "../../provider/api/tlsTrust";
import { systemClock } from "../../provider/util/clock";

let emu: EmulatorHandle;
beforeAll(async () => {
  emu = await startEmulator({ quiet: true });
});
afterAll(() => emu?.close());

it("names the untrusted certificate, its code and the fix when sign-in cannot reach the authority", async () => {
  const settings = resolveSettings({
    env: { MDE_API_URL: emu.apiUrl, AZURE_AUTHORITY_HOST: emu.authorityHost, AZURE_TENANT_ID: emu.tenantId, AZURE_CLIENT_ID: emu.clientId, AZURE_CLIENT_SECRET: emu.clientSecret },
  });
  const tokens = new CachingTokenSource(createCredential(settings), settings.tokenScope, systemClock, { authorityHost: settings.authorityHost, description: "clientSecret credential" });
  const error = await tokens.getToken().then(() => undefined, (e: Error) => e);
  expect(error?.name).toBe("MdeSignInError");
  expect(error?.message).toContain(`the TLS certificate of ${new URL(emu.authorityHost).host} is not trusted (UNABLE_TO_VERIFY_LEAF_SIGNATURE)`);
  expect(error?.message).toContain('eval "$(mde-emulator env --data-dir');
  expect(error?.message).not.toMatch(/check mde:authorityHost|tenant does not exist/);
  expect(error?.message).not.toContain(emu.clientSecret);
});

it("finds the code on a wrapped cause and explains the codes a TLS-inspecting proxy causes", () => {
  expect(tlsTrustCode(new Error("fetch failed", { cause: Object.assign(new Error("x"), { code: "SELF_SIGNED_CERT_IN_CHAIN" }) }))).toBe("SELF_SIGNED_CERT_IN_CHAIN");
  expect(tlsTrustCode(Object.assign(new Error("x"), { code: "ECONNREFUSED" }))).toBeUndefined();
  expect(tlsTrustAdvice("login.microsoftonline.com", "SELF_SIGNED_CERT_IN_CHAIN")).toMatch(/chain ends in a CA this process does not trust.*TLS-inspecting proxy: append the proxy's CA/);
  expect(tlsTrustAdvice("api.security.microsoft.com", "UNABLE_TO_VERIFY_LEAF_SIGNATURE")).toMatch(/TLS-inspecting corporate proxy's.*NODE_EXTRA_CA_CERTS only when a process starts/);
});
