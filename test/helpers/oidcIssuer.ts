/**
 * A local OIDC issuer standing in for GitHub Actions' (token.actions.githubusercontent.com): it
 * serves its OpenID configuration and JWKS over loopback HTTPS and mints RS256 ID tokens with the
 * claims GitHub puts in a workflow's token (`sub` = `repo:<owner>/<repo>:environment:<name>`,
 * `aud` = `api://AzureADTokenExchange`, `repository`, `environment`, `ref`, `job_workflow_ref`).
 */
import { generateKeyPairSync, randomUUID, sign, type KeyObject } from "node:crypto";
import { readFileSync } from "node:fs";
import { createServer, type Server } from "node:https";
import type { AddressInfo } from "node:net";
import { join } from "node:path";

export const GITHUB_SUBJECT = "repo:contoso/ir:environment:incident-response";
export const EXCHANGE_AUDIENCE = "api://AzureADTokenExchange";

export interface MintOptions {
  claims?: Record<string, unknown>;
  /** Seconds from now; negative for an expired token. @default 300 */
  expiresInS?: number;
  /** Sign with a key the issuer does not publish. */
  foreignKey?: boolean;
}

export class LocalOidcIssuer {
  readonly kid = randomUUID();
  private readonly key: KeyObject;
  private readonly foreign: KeyObject;

  private constructor(
    private readonly server: Server,
    readonly url: string,
    keys: { key: KeyObject; foreign: KeyObject },
  ) {
    this.key = keys.key;
    this.foreign = keys.foreign;
  }

  /** Serves on 127.0.0.1 with the key and certificate in `tlsDir` (the emulator's, whose CA the emulator is told to trust). */
  static async start(tlsDir: string): Promise<LocalOidcIssuer> {
    const keys = { key: generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey, foreign: generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey };
    let issuer: LocalOidcIssuer | undefined;
    const server = createServer({ key: readFileSync(join(tlsDir, "server.key")), cert: readFileSync(join(tlsDir, "server.crt")) }, (req, res) => {
      const json = (body: unknown) => {
        res.writeHead(200, { "content-type": "application/json" });
        res.end(JSON.stringify(body));
      };
      if (req.url === "/.well-known/openid-configuration") return json({ issuer: issuer!.url, jwks_uri: `${issuer!.url}/.well-known/jwks`, id_token_signing_alg_values_supported: ["RS256"], subject_types_supported: ["public", "pairwise"], response_types_supported: ["id_token"] });
      if (req.url === "/.well-known/jwks") return json({ keys: [{ ...keys.key.export({ format: "jwk" }), d: undefined, p: undefined, q: undefined, dp: undefined, dq: undefined, qi: undefined, kid: issuer!.kid, use: "sig", alg: "RS256" }] });
      res.writeHead(404).end();
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    issuer = new LocalOidcIssuer(server, `https://127.0.0.1:${(server.address() as AddressInfo).port}`, keys);
    return issuer;
  }

  /** A workflow's ID token for Entra, as GitHub would mint it for `GITHUB_SUBJECT`. */
  mint(options: MintOptions = {}): string {
    const now = Math.floor(Date.now() / 1000);
    const claims = {
      jti: randomUUID(),
      sub: GITHUB_SUBJECT,
      aud: EXCHANGE_AUDIENCE,
      ref: "refs/heads/main",
      repository: "contoso/ir",
      repository_owner: "contoso",
      environment: "incident-response",
      job_workflow_ref: "contoso/ir/.github/workflows/incident-response.yml@refs/heads/main",
      event_name: "push",
      iss: this.url,
      nbf: now - 5,
      iat: now - 5,
      exp: now + (options.expiresInS ?? 300),
      ...options.claims,
    };
    const header = Buffer.from(JSON.stringify({ alg: "RS256", typ: "JWT", kid: this.kid })).toString("base64url");
    const payload = Buffer.from(JSON.stringify(claims)).toString("base64url");
    const signature = sign("sha256", Buffer.from(`${header}.${payload}`), options.foreignKey ? this.foreign : this.key).toString("base64url");
    return `${header}.${payload}.${signature}`;
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}
