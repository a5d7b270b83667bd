/**
 * TLS material for the emulator, made with the openssl CLI (no hand-rolled crypto): a private CA
 * and a server certificate for `localhost` and `127.0.0.1` signed by it. Clients trust the CA
 * file (undici `connect.ca`, or `NODE_EXTRA_CA_CERTS` for @azure/identity, which refuses plain
 * http authorities). Files are kept in the folder and reused, so a CA a user has trusted stays
 * valid across restarts.
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { ForensicsError } from "../../provider/util/error";

export interface TlsMaterial {
  caFile: string;
  key: Buffer;
  cert: Buffer;
  ca: Buffer;
}

/**
 * A name the certificate also covers, under `.test` (RFC 6761: never in DNS), for proxy tests: a
 * client that reaches the emulator by this name went through a proxy that resolves it.
 */
export const PROXIED_HOST = "mde.emulator.test";

const FILES = { caKey: "ca.key", caCert: "ca.crt", key: "server.key", cert: "server.crt" } as const;

/** Loads the CA and server certificate from `dir`, creating them first if any file is missing. */
export function ensureTls(dir: string): TlsMaterial {
  mkdirSync(dir, { recursive: true });
  const p = (name: string) => join(dir, name);
  if (!Object.values(FILES).every((f) => existsSync(p(f)))) create(dir);
  return {
    caFile: p(FILES.caCert),
    key: readFileSync(p(FILES.key)),
    cert: readFileSync(p(FILES.cert)),
    ca: readFileSync(p(FILES.caCert)),
  };
}

/** P-256 keys: quick to generate on every test start, accepted by Node, curl and browsers. */
function create(dir: string): void {
  const p = (name: string) => join(dir, name);
  const run = (args: string[]) => execFileSync("openssl", args, { cwd: dir, stdio: ["ignore", "ignore", "pipe"] });
  const ext = p("server.ext");
  const csr = p("server.csr");
  try {
    run([
      "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
      "-keyout", p(FILES.caKey), "-out", p(FILES.caCert), "-days", "3650", "-subj", "/CN=MDE Emulator Local CA",
      "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign",
    ]);
    run([
      "req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
      "-keyout", p(FILES.key), "-out", csr, "-subj", "/CN=localhost",
    ]);
    writeFileSync(
      ext,
      "basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\n" +
        `extendedKeyUsage=serverAuth\nsubjectAltName=DNS:localhost,DNS:${PROXIED_HOST},IP:127.0.0.1\n`,
    );
    run([
      "x509", "-req", "-in", csr, "-CA", p(FILES.caCert), "-CAkey", p(FILES.caKey), "-CAcreateserial",
      "-out", p(FILES.cert), "-days", "825", "-extfile", ext,
    ]);
  } catch (e) {
    const stderr = (e as { stderr?: Buffer }).stderr?.toString().trim();
    throw new ForensicsError(`creating the emulator's TLS certificates with openssl failed${stderr ? `: ${stderr}` : ""}`, { cause: e });
  } finally {
    rmSync(ext, { force: true });
    rmSync(csr, { force: true });
  }
}
