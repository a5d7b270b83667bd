/**
 * Reading machine actions: one by id, or the tenant's list with OData (newest first, as the
 * docs' "latest two" example implies). Status is computed for "now" on every read.
 */
import { MdeErrors } from "../errors";
import type { FilterableEntity } from "../odataEval";
import type { Handler } from "../router";
import { actionEntity, actionJson, list } from "../wire";
import { applyQuery } from "./query";

/** The list API's filterable properties (get-machineactions-collection.md). */
export const ACTION_ENTITY: FilterableEntity = {
  typeName: "microsoft.windowsDefenderATP.api.PublicMachineActionDto",
  fields: { id: "string", status: "string", machineId: "string", type: "string", requestor: "string", creationDateTimeUtc: "date" },
};

export const getAction: Handler = (ctx) => {
  const a = ctx.emu.store.action(ctx.principal!.tenantId, ctx.params.id);
  if (!a) throw MdeErrors.actionNotFound(ctx.params.id);
  ctx.emu.counters.bump("actionReads", a.id);
  return { status: 200, json: actionEntity(ctx.baseUrl, a, ctx.emu.store.stateOf(a, ctx.nowMs)) };
};

export const listActions: Handler = (ctx) => {
  const { store } = ctx.emu;
  const all = store.actions(ctx.principal!.tenantId).map((a) => actionJson(a, store.stateOf(a, ctx.nowMs)));
  const page = applyQuery(all, ctx.query, ACTION_ENTITY);
  for (const a of page) ctx.emu.counters.bump("actionReads", String(a.id));
  return { status: 200, json: list(ctx.baseUrl, "MachineActions", page) };
};
