/**
 * The real @azure/identity against a local HTTPS token endpoint, end to end through MdeClient.
 *
 * Runs in a child node process because NODE_EXTRA_CA_CERTS (to trust the test CA) is read only at
 * process start, and because jest 29 cannot load identity's ESM-only dependencies. The child loads
 * our TypeScript sources with a tiny require hook around `typescript.transpileModule`.
 */
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import https from "node:https";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { childJson } from "../../scripts/lib/childJson";
import { TS_REQUIRE_HOOK } from "../helpers/clientChild";
import { ACTION_ID, actionWire } from "./helpers";

const ROOT = path.resolve(__dirname, "../..");
const TENANT = "72f988bf-86f1-41af-91ab-2d7cd011db47";
const CLIENT = "11111111-2222-3333-4444-555555555555";
const GOOD_SECRET = "good~Secret.Value_0123456789";
const WRONG_SECRET = "wrong~Secret.Value_9876543210";
const ACCESS_TOKEN = "local-access-token-7f3c";

interface Seen {
  method: string;
  url: string;
  headers: Record<string, string | string[] | undefined>;
  form?: URLSearchParams;
}

let dir: string;
let server: https.Server;
let base: string;
let bundle: string;
const seen: Seen[] = [];

function openssl(...args: string[]) {
  execFileSync("openssl", args, { cwd: dir, stdio: "pipe" });
}

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "mde-identity-"));
  openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out", "ca.crt", "-days", "2", "-subj", "/CN=mde-test-ca",
    "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign");
  openssl("req", "-newkey", "rsa:2048", "-nodes", "-keyout", "server.key", "-out", "server.csr", "-subj", "/CN=localhost");
  fs.writeFileSync(path.join(dir, "ext.cnf"), "subjectAltName=DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth\n");
  openssl("x509", "-req", "-in", "server.csr", "-CA", "ca.crt", "-CAkey", "ca.key", "-CAcreateserial", "-out", "server.crt", "-days", "2", "-extfile", "ext.cnf");
  // Append our CA to whatever bundle the environment already trusts; never replace it.
  const existing = process.env.NODE_EXTRA_CA_CERTS && fs.existsSync(process.env.NODE_EXTRA_CA_CERTS) ? fs.readFileSync(process.env.NODE_EXTRA_CA_CERTS, "utf8") : "";
  bundle = path.join(dir, "bundle.pem");
  fs.writeFileSync(bundle, `${existing.trimEnd()}\n${fs.readFileSync(path.join(dir, "ca.crt"), "utf8")}`);

  server = https.createServer({ key: fs.readFileSync(path.join(dir, "server.key")), cert: fs.readFileSync(path.join(dir, "server.crt")) }, (req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const body = Buffer.concat(chunks).toString();
      const url = new URL(req.url ?? "/", base);
      const entry: Seen = { method: req.method ?? "", url: url.pathname, headers: req.headers };
      seen.push(entry);
      const send = (status: number, payload: unknown) => {
        res.writeHead(status, { "content-type": "application/json" });
        res.end(JSON.stringify(payload));
      };
      if (url.pathname === `/${TENANT}/v2.0/.well-known/openid-configuration`) {
        return send(200, {
          token_endpoint: `${base}/${TENANT}/oauth2/v2.0/token`,
          authorization_endpoint: `${base}/${TENANT}/oauth2/v2.0/authorize`,
          issuer: `${base}/${TENANT}/v2.0`,
          jwks_uri: `${base}/${TENANT}/discovery/v2.0/keys`,
        });
      }
      if (url.pathname === `/${TENANT}/oauth2/v2.0/token`) {
        entry.form = new URLSearchParams(body);
        if (entry.form.get("client_secret") !== GOOD_SECRET) {
          return send(401, { error: "invalid_client", error_description: "AADSTS7000215: Invalid client secret provided.", error_codes: [7000215] });
        }
        return send(200, { access_token: ACCESS_TOKEN, expires_in: 3599, token_type: "Bearer" });
      }
      if (url.pathname === `/api/machineactions/${ACTION_ID}`) {
        if (req.headers.authorization !== `Bearer ${ACCESS_TOKEN}`) return send(401, { error: { code: "Unauthorized", message: "no", target: "t" } });
        return send(200, actionWire());
      }
      send(404, { error: { code: "NotFound", message: url.pathname, target: "t" } });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;

  fs.writeFileSync(
    path.join(dir, "child.js"),
    `${TS_REQUIRE_HOOK}
const api = { ...require(${JSON.stringify(path.join(ROOT, "provider/api/client.ts"))}), ...require(${JSON.stringify(path.join(ROOT, "provider/api/settings.ts"))}) };
(async () => {
  const client = new api.MdeClient(api.resolveSettings({ env: process.env }));
  try {
    const action = await client.getMachineAction(process.argv[2]);
    console.log(JSON.stringify({ ok: true, action }));
  } catch (e) {
    console.log(JSON.stringify({ ok: false, name: e.name, message: e.message, inspected: require("util").inspect(e) }));
  } finally {
    await client.close();
  }
})();
`,
  );
});

afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
  fs.rmSync(dir, { recursive: true, force: true });
});

/** What the child prints: the action it read, or the error it got (and how `util.inspect` shows it). */
interface ChildReply {
  ok: boolean;
  action?: { id: string };
  name?: string;
  message?: string;
  inspected?: string;
}

async function runChild(secret: string): Promise<ChildReply> {
  const env: Record<string, string | undefined> = { ...process.env };
  for (const k of ["HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy", "ALL_PROXY", "all_proxy"]) delete env[k];
  Object.assign(env, {
    NODE_EXTRA_CA_CERTS: bundle,
    NO_PROXY: "127.0.0.1,localhost",
    AZURE_TENANT_ID: TENANT,
    AZURE_CLIENT_ID: CLIENT,
    AZURE_CLIENT_SECRET: secret,
    AZURE_AUTHORITY_HOST: base,
    MDE_API_URL: base,
  });
  return (await childJson<ChildReply>(path.join(dir, "child.js"), [ACTION_ID], env)).result;
}

describe("@azure/identity against a local HTTPS token endpoint", () => {
  beforeEach(() => {
    seen.length = 0;
  });

  it("gets a token with a client secret and calls MDE with it", async () => {
    const result = await runChild(GOOD_SECRET);
    expect(result).toMatchObject({ ok: true, action: { id: ACTION_ID } });
    expect(seen.map((s) => `${s.method} ${s.url}`)).toEqual([
      `GET /${TENANT}/v2.0/.well-known/openid-configuration`,
      `POST /${TENANT}/oauth2/v2.0/token`,
      `GET /api/machineactions/${ACTION_ID}`,
    ]);
    const token = seen[1].form;
    expect(token?.get("grant_type")).toBe("client_credentials");
    expect(token?.get("client_id")).toBe(CLIENT);
    expect(token?.get("scope")).toContain("https://api.securitycenter.microsoft.com/.default");
    expect(seen[2].headers.authorization).toBe(`Bearer ${ACCESS_TOKEN}`);
    expect(seen[2].headers["user-agent"]).toMatch(/^pulumi-mde-forensics\//);
  });

  it("reports a wrong secret clearly, without the secret, and without calling MDE", async () => {
    const result = await runChild(WRONG_SECRET);
    expect(result.ok).toBe(false);
    expect(result.name).toBe("MdeSignInError");
    expect(result.message).toMatch(/Could not get an access token for https:\/\/api\.securitycenter\.microsoft\.com\/\.default with the clientSecret credential/);
    expect(result.message).toMatch(/AADSTS7000215/);
    expect(result.message).not.toContain(WRONG_SECRET);
    expect(result.inspected).not.toContain(WRONG_SECRET);
    expect(seen.some((s) => s.url.startsWith("/api/"))).toBe(false);
  });
});
