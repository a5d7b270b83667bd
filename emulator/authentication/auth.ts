/**
 * Bearer-token checks done on every `/api` call, in the order the real service applies them:
 * a token must be present, well-formed, signed by our key and unexpired (else 401), issued for
 * the Defender API audience (else 403), and carry one of the roles the API requires (else 403,
 * with the message seen in the wild: "Missing application roles. API required roles: …").
 */
import { MDE_TOKEN_AUDIENCES } from "../../provider/api/endpoints";
import { MdeErrors } from "../wire/errors";
import type { EmulatorCore } from "../core";
import type { Principal } from "../handlers/handler";

export const ROLES = {
  collect: ["Machine.CollectForensics"],
  read: ["Machine.Read.All", "Machine.ReadWrite.All"],
  /** Any action permission may cancel (cancel-machine-action.md). */
  cancel: [
    "Machine.CollectForensics", "Machine.Isolate", "Machine.RestrictExecution", "Machine.Scan",
    "Machine.Offboard", "Machine.StopAndQuarantine", "Machine.LiveResponse",
  ],
} as const;

/** Returns the caller, or throws the MDE error for a missing, bad or insufficient token. */
export function authenticate(emu: EmulatorCore, authorization: string | undefined, nowMs: number, roles?: readonly string[]): Principal {
  const m = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? "");
  if (!m) throw MdeErrors.unauthorized("Authorization header is missing or is not a bearer token");
  const result = emu.signer.verify(m[1], nowMs);
  if (!result.ok) throw MdeErrors.unauthorized(`Authorization failed: ${result.reason}`);
  const c = result.claims;
  if (!emu.scenario.tenants.some((t) => t.id === c.tid)) throw MdeErrors.unauthorized(`Authorization failed: unknown tenant '${c.tid}'`);
  const aud = String(c.aud).replace(/\/+$/, "");
  if (!MDE_TOKEN_AUDIENCES.some((a) => a.toLowerCase() === aud.toLowerCase())) {
    throw MdeErrors.forbidden(`The token audience '${aud}' is not valid for this API`);
  }
  const held = Array.isArray(c.roles) ? c.roles.map(String) : [];
  if (roles && !roles.some((r) => held.includes(r))) throw MdeErrors.missingRoles(roles, held);
  const app = emu.scenario.apps.find((a) => a.clientId === c.appid && a.tenantId === c.tid);
  return { tenantId: c.tid, clientId: c.appid, appName: app?.displayName ?? c.appid, roles: held };
}
