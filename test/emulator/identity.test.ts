/**
 * The real @azure/identity (and the real MdeClient on top of it) against the emulator's token
 * endpoints. Runs in a child node process: NODE_EXTRA_CA_CERTS is read only at process start,
 * and jest cannot load identity's ESM-only dependencies. The child's bundle is the existing
 * NODE_EXTRA_CA_CERTS content plus the emulator CA (appended, never replacing it).
 */
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { DEFAULT_MACHINES as M } from "../../emulator/scenario/defaultScenario";
import { startHarness, type Harness } from "./harness";

const ROOT = resolve(__dirname, "../..");
let h: Harness;
let dir: string;
let bundle: string;

beforeAll(async () => {
  h = await startHarness({ control: true });
  dir = mkdtempSync(join(tmpdir(), "mde-emu-identity-"));
  const existing = process.env.NODE_EXTRA_CA_CERTS && existsSync(process.env.NODE_EXTRA_CA_CERTS) ? readFileSync(process.env.NODE_EXTRA_CA_CERTS, "utf8") : "";
  bundle = join(dir, "bundle.pem");
  writeFileSync(bundle, `${existing.trimEnd()}\n${readFileSync(h.emu.caFile, "utf8")}`);
  writeFileSync(
    join(dir, "child.js"),
    `
const fs = require("fs");
const ts = require(${JSON.stringify(join(ROOT, "node_modules/typescript"))});
require.extensions[".ts"] = (module, filename) => {
  const out = ts.transpileModule(fs.readFileSync(filename, "utf8"), { fileName: filename, compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true } });
  module._compile(out.outputText, filename);
};
const { ClientSecretCredential } = require(${JSON.stringify(join(ROOT, "node_modules/@azure/identity"))});
const scope = "https://api.securitycenter.microsoft.com/.default";
const env = process.env;
(async () => {
  const result = {};
  const opts = { authorityHost: env.AZURE_AUTHORITY_HOST, disableInstanceDiscovery: true };
  const good = new ClientSecretCredential(env.AZURE_TENANT_ID, env.AZURE_CLIENT_ID, env.AZURE_CLIENT_SECRET, opts);
  const t1 = await good.getToken(scope);
  const t2 = await good.getToken(scope);
  result.token = { length: t1.token.length, cached: t1.token === t2.token, expiresInS: Math.round((t1.expiresOnTimestamp - Date.now()) / 1000) };
  try {
    await new ClientSecretCredential(env.AZURE_TENANT_ID, env.AZURE_CLIENT_ID, "wrong-secret", opts).getToken(scope);
    result.wrong = "no error";
  } catch (e) {
    result.wrong = e.name + ": " + e.message;
  }
  const api = { ...require(${JSON.stringify(join(ROOT, "provider/api/client.ts"))}), ...require(${JSON.stringify(join(ROOT, "provider/api/settings.ts"))}) };
  const client = new api.MdeClient(api.resolveSettings({ env }));
  try {
    const { action, adopted } = await client.collectInvestigationPackage(process.argv[2], "identity end to end");
    result.collect = { id: action.id, status: action.status, adopted };
    result.machine = (await client.getMachine(process.argv[2])).computerDnsName;
  } catch (e) {
    result.clientError = e.name + ": " + e.message;
  } finally {
    await client.close();
  }
  console.log(JSON.stringify(result));
})().catch((e) => { console.log(JSON.stringify({ fatal: String(e && e.stack || e) })); });
`,
  );
});

afterAll(async () => {
  await h.close();
  rmSync(dir, { recursive: true, force: true });
});

function runChild(machine: string): Promise<Record<string, any>> {
  return new Promise((resolveRun, reject) => {
    const child = spawn(process.execPath, [join(dir, "child.js"), machine], {
      env: {
        ...process.env,
        NODE_EXTRA_CA_CERTS: bundle,
        MDE_API_URL: h.emu.apiUrl,
        AZURE_AUTHORITY_HOST: h.emu.authorityHost,
        AZURE_TENANT_ID: h.emu.tenantId,
        AZURE_CLIENT_ID: h.emu.clientId,
        AZURE_CLIENT_SECRET: h.emu.clientSecret,
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    let err = "";
    child.stdout.on("data", (d: Buffer) => (out += d.toString()));
    child.stderr.on("data", (d: Buffer) => (err += d.toString()));
    child.on("error", reject);
    child.on("exit", () => {
      try {
        resolveRun(JSON.parse(out.trim().split("\n").pop() ?? ""));
      } catch {
        reject(new Error(`child printed no result: ${out}\n${err}`));
      }
    });
  });
}

it("serves @azure/identity (ClientSecretCredential, disableInstanceDiscovery) and the real MdeClient", async () => {
  const result = await runChild(M.win11);
  expect(result.fatal).toBeUndefined();
  // Cached by MSAL: expires_in is well over its 5-minute renewal margin.
  expect(result.token).toMatchObject({ cached: true });
  expect(result.token.expiresInS).toBeGreaterThan(3500);
  expect(result.wrong).toMatch(/AADSTS7000215/);
  expect(result.clientError).toBeUndefined();
  expect(result.collect).toMatchObject({ status: "Pending", adopted: false });
  expect(result.machine).toBe("win11-ws01.contoso.local");
  expect(h.emu.counters().collectPosts[M.win11]).toBe(1);
  const c = h.emu.counters().requests;
  expect(c["GET /{tenant}/v2.0/.well-known/openid-configuration"]?.["200"]).toBeGreaterThanOrEqual(1);
  expect(c["POST /{tenant}/oauth2/v2.0/token"]).toEqual({ "200": 2, "401": 1 });
}, 60_000);
