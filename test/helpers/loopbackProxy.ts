/**
 * A real forwarding HTTP proxy (npm `proxy`, CONNECT tunnels and plain requests) on loopback, in
 * its own node process (the package is ESM-only), recording what passed through it: one JSON line
 * per tunnel or request, with the target and whether proxy credentials came with it.
 *
 * Host names under `.test` (RFC 6761: never in DNS) resolve to 127.0.0.1 inside the proxy only.
 * A client given such a name for the emulator reaches it through the proxy or not at all, so a
 * connection that bypassed the proxy cannot go unnoticed.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";

const PROXY_MODULE = pathToFileURL(resolve(__dirname, "../../node_modules/proxy/dist/proxy.js")).href;

export interface ProxyRecord {
  method: string;
  /** `host:port` of a CONNECT, or the URL of a plain request. */
  target: string;
  authorized: boolean;
}

const SCRIPT = `
import dns from "node:dns";
import http from "node:http";
import { createProxy } from ${JSON.stringify(PROXY_MODULE)};
const lookup = dns.lookup;
dns.lookup = (host, options, callback) => {
  if (typeof options === "function") { callback = options; options = {}; }
  if (/\\.test$/i.test(host)) return options && options.all ? callback(null, [{ address: "127.0.0.1", family: 4 }]) : callback(null, "127.0.0.1", 4);
  return lookup(host, options, callback);
};
const credentials = process.env.PROXY_CREDENTIALS;
const server = createProxy(http.createServer());
server.authenticate = (req) => {
  if (!credentials) return true;
  const given = req.headers["proxy-authorization"] || "";
  return given === "Basic " + Buffer.from(credentials).toString("base64");
};
const record = (req) => console.log(JSON.stringify({ method: req.method, target: req.url, authorized: !!req.headers["proxy-authorization"] }));
server.prependListener("connect", record);
server.prependListener("request", record);
server.listen(0, "127.0.0.1", () => console.log(JSON.stringify({ port: server.address().port })));
`;

export class LoopbackProxy {
  readonly records: ProxyRecord[] = [];

  private constructor(
    private readonly child: ChildProcess,
    private readonly dir: string,
    readonly port: number,
  ) {}

  /** @param credentials `user:password` the proxy requires (407 otherwise); none by default. */
  static async start(credentials?: string): Promise<LoopbackProxy> {
    const dir = mkdtempSync(join(tmpdir(), "pmf-proxy-"));
    const script = join(dir, "proxy.mjs");
    writeFileSync(script, SCRIPT);
    const child = spawn(process.execPath, [script], { env: { ...process.env, PROXY_CREDENTIALS: credentials ?? "" }, stdio: ["ignore", "pipe", "inherit"] });
    return new Promise((resolveStart, reject) => {
      let proxy: LoopbackProxy | undefined;
      let buffer = "";
      child.on("error", reject);
      child.on("exit", (code) => proxy || reject(new Error(`the proxy exited ${code} before listening`)));
      child.stdout!.on("data", (d: Buffer) => {
        buffer += d.toString();
        let nl: number;
        while ((nl = buffer.indexOf("\n")) >= 0) {
          const line = JSON.parse(buffer.slice(0, nl));
          buffer = buffer.slice(nl + 1);
          if (typeof line.port === "number") resolveStart((proxy = new LoopbackProxy(child, dir, line.port)));
          else proxy?.records.push(line as ProxyRecord);
        }
      });
    });
  }

  /** `http://[user:password@]127.0.0.1:<port>`. */
  url(credentials?: string): string {
    return `http://${credentials ? `${credentials}@` : ""}127.0.0.1:${this.port}`;
  }

  /** The CONNECT targets seen so far (`host:port`). */
  tunnels(): string[] {
    return this.records.filter((r) => r.method === "CONNECT").map((r) => r.target);
  }

  async close(): Promise<void> {
    await new Promise<void>((done) => {
      this.child.once("exit", () => done());
      this.child.kill();
    });
    rmSync(this.dir, { recursive: true, force: true });
  }
}
