/**
 * The HTTPS listener: one port for the token endpoints, `/api`, package downloads and the
 * control endpoint, as one origin is all a client needs to be pointed at. HTTPS only, because
 * @azure/identity refuses an http authority (pulumi-dynamic-providers.md B5).
 */
import { createServer, type Server } from "node:https";
import type { AddressInfo } from "node:net";
import { PROXIED_HOST, type TlsMaterial } from "./certs";
import type { EmulatorCore } from "../core";
import { handleRequest } from "./pipeline";
import { compileRoutes } from "./router";
import { ROUTES } from "./routes";

export interface RunningServer {
  port: number;
  /** `https://127.0.0.1:<port>` (or the configured host name). */
  baseUrl: string;
  close(): Promise<void>;
}

export async function startServer(emu: EmulatorCore, tls: TlsMaterial): Promise<RunningServer> {
  let baseUrl = "";
  // Routing is HTTP's business: the core holds the emulated world, the server the way in.
  const routes = compileRoutes(ROUTES);
  const server: Server = createServer({ key: tls.key, cert: tls.cert }, (req, res) => {
    void handleRequest(emu, routes, req, res, requestBase(req.headers.host, baseUrl));
  });
  // A client that gives up (or a reset fault) must not crash the process.
  server.on("clientError", (_err, socket) => socket.destroy());
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(emu.config.port, emu.config.host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const host = ["0.0.0.0", "::", "::1"].includes(emu.config.host) ? "127.0.0.1" : emu.config.host;
  baseUrl = `https://${host.includes(":") ? `[${host}]` : host}:${port}`;
  return {
    port,
    baseUrl,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/**
 * Links in replies (token endpoint, package URL) use the name the client used, if it is one
 * our certificate covers, so a client on `localhost` is not sent to `127.0.0.1` or vice versa.
 */
function requestBase(hostHeader: string | undefined, fallback: string): string {
  const port = new URL(fallback).port;
  if (hostHeader && new RegExp(`^(localhost|127\\.0\\.0\\.1|${PROXIED_HOST.replace(/\./g, "\\.")}):${port}$`, "i").test(hostHeader)) return `https://${hostHeader.toLowerCase()}`;
  return fallback;
}
