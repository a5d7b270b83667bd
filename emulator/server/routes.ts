/**
 * Every route the emulator serves, with its quota family and required roles. Order matters:
 * fixed segments (`findbytag`) come before `{id}`, and `/api` before the `/{tenant}` token routes.
 * Required roles follow the docs (mde-api.md §2, §4–§7).
 */
import { ROLES } from "../authentication/auth";
import { cancel, collect } from "../handlers/actionCommands";
import { download } from "../packages/download";
import { getAction, listActions } from "../handlers/machineActions";
import { findByTag, getMachine, listMachines } from "../handlers/machines";
import { getPackageUri } from "../handlers/packageUri";
import { jwks, openidConfiguration, tokenGrant } from "../authentication/entraEndpoints";
import { DOWNLOAD_PATH } from "../packages/packageLinks";
import type { RouteDef } from "./router";

const api = (def: Omit<RouteDef, "auth">): RouteDef => ({ ...def, auth: true });

export const ROUTES: RouteDef[] = [
  api({ id: "findMachinesByTag", method: "GET", pattern: "/api/machines/findbytag", handler: findByTag, roles: ROLES.read, family: "reads" }),
  api({ id: "listMachines", method: "GET", pattern: "/api/machines", handler: listMachines, roles: ROLES.read, family: "reads" }),
  api({ id: "getMachine", method: "GET", pattern: "/api/machines/{id}", handler: getMachine, roles: ROLES.read, family: "reads" }),
  api({ id: "collect", method: "POST", pattern: "/api/machines/{id}/collectInvestigationPackage", handler: collect, roles: ROLES.collect, family: "collect" }),
  api({ id: "listActions", method: "GET", pattern: "/api/machineactions", handler: listActions, roles: ROLES.read, family: "reads" }),
  api({ id: "getAction", method: "GET", pattern: "/api/machineactions/{id}", handler: getAction, roles: ROLES.read, family: "reads" }),
  api({ id: "getPackageUri", method: "GET", pattern: "/api/machineactions/{id}/GetPackageUri", handler: getPackageUri, roles: ROLES.read, family: "packageUri" }),
  api({ id: "cancel", method: "POST", pattern: "/api/machineactions/{id}/cancel", handler: cancel, roles: ROLES.cancel, family: "cancel" }),
  { id: "download", method: "GET", pattern: DOWNLOAD_PATH, handler: download },
  { id: "openidConfiguration", method: "GET", pattern: "/{tenant}/v2.0/.well-known/openid-configuration", handler: openidConfiguration },
  { id: "openidConfigurationV1", method: "GET", pattern: "/{tenant}/.well-known/openid-configuration", handler: openidConfiguration },
  { id: "jwks", method: "GET", pattern: "/{tenant}/discovery/v2.0/keys", handler: jwks },
  { id: "jwksV1", method: "GET", pattern: "/{tenant}/discovery/keys", handler: jwks },
  { id: "token", method: "POST", pattern: "/{tenant}/oauth2/v2.0/token", handler: tokenGrant(2) },
  { id: "tokenV1", method: "POST", pattern: "/{tenant}/oauth2/token", handler: tokenGrant(1) },
];
