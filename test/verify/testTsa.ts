/**
 * A real RFC 3161 Time-Stamping Authority on loopback: `openssl ts -reply` behind an HTTP server
 * that answers `POST application/timestamp-query`, with a throwaway root CA and a TSA certificate
 * carrying the critical extendedKeyUsage timeStamping. `openssl ts -verify` is the independent
 * check of what the provider keeps.
 */
import { execFile, execFileSync } from "node:child_process";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);

export const opensslAvailable = (): boolean => {
  try {
    execFileSync("openssl", ["version"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
};

/** A root CA (`ca.pem`) and, signed by it, a certificate for `name` with the given extensions. */
export async function makeCa(dir: string, label: string): Promise<{ caFile: string; caKey: string }> {
  const caKey = join(dir, `${label}-ca.key`);
  const caFile = join(dir, `${label}-ca.pem`);
  await run("openssl", ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", caKey, "-out", caFile, "-subj", `/CN=${label} TSA Root`, "-days", "30", "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign"]);
  return { caFile, caKey };
}

export interface TestTsa {
  url: string;
  caFile: string;
  tsaCertFile: string;
  requests: number;
  close(): Promise<void>;
}

export async function startTestTsa(dir: string): Promise<TestTsa> {
  const { caFile, caKey } = await makeCa(dir, "test");
  const tsaKey = join(dir, "tsa.key");
  const tsaCertFile = join(dir, "tsa.pem");
  await run("openssl", ["req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", tsaKey, "-out", join(dir, "tsa.csr"), "-subj", "/CN=Loopback Test TSA"]);
  await writeFile(join(dir, "tsa-ext.cnf"), "basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=critical,timeStamping\n");
  await run("openssl", ["x509", "-req", "-in", join(dir, "tsa.csr"), "-CA", caFile, "-CAkey", caKey, "-CAcreateserial", "-out", tsaCertFile, "-days", "30", "-extfile", join(dir, "tsa-ext.cnf")]);
  await writeFile(join(dir, "tsaserial"), "01\n");
  const config = join(dir, "tsa.cnf");
  await writeFile(
    config,
    [
      "[ tsa ]",
      "default_tsa = test_tsa",
      "[ test_tsa ]",
      `serial = ${join(dir, "tsaserial")}`,
      "crypto_device = builtin",
      `signer_cert = ${tsaCertFile}`,
      `signer_key = ${tsaKey}`,
      "signer_digest = sha256",
      "default_policy = 1.3.6.1.4.1.55555.1",
      "digests = sha256",
      "accuracy = secs:1",
      "ordering = yes",
      "tsa_name = yes",
      "ess_cert_id_alg = sha256",
      "",
    ].join("\n"),
  );
  let n = 0;
  const tsa: TestTsa = { url: "", caFile, tsaCertFile, requests: 0, close: async () => undefined };
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", async () => {
      if (req.method !== "POST" || req.headers["content-type"] !== "application/timestamp-query") {
        res.writeHead(415).end();
        return;
      }
      const id = ++n;
      tsa.requests++;
      const [q, r] = [join(dir, `q${id}.tsq`), join(dir, `r${id}.tsr`)];
      try {
        await writeFile(q, Buffer.concat(chunks));
        await run("openssl", ["ts", "-reply", "-config", config, "-queryfile", q, "-out", r]);
        res.writeHead(200, { "content-type": "application/timestamp-reply" }).end(await readFile(r));
      } catch {
        res.writeHead(500).end();
      }
    });
  });
  await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
  tsa.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/tsa`;
  tsa.close = () => new Promise<void>((done) => server.close(() => done()));
  return tsa;
}
