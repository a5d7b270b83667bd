/**
 * GetPackageUri: 404 until the collection Succeeded (documented after M365 issue #5901), then a
 * short-lived download link to this same host, like the `userrequests-*` storage link MDE gives.
 */
import { COLLECT_ACTION_TYPE } from "../../provider/api/schemas";
import { MdeErrors } from "../wire/errors";
import type { Handler } from "./handler";
import { packageUriJson } from "../wire/entities";

export const getPackageUri: Handler = (ctx) => {
  const { store, links, scenario } = ctx.emu;
  const action = store.action(ctx.principal!.tenantId, ctx.params.id);
  if (!action) throw MdeErrors.actionNotFound(ctx.params.id);
  const { status } = store.stateOf(action, ctx.nowMs);
  if (action.type !== COLLECT_ACTION_TYPE || status !== "Succeeded") throw MdeErrors.packageNotReady(action.id, status);
  const expires = ctx.nowMs + scenario.switches.packageLinkLifetimeSeconds * 1000;
  return { status: 200, json: packageUriJson(ctx.baseUrl, links.url(ctx.baseUrl, action.id, expires)) };
};
