/**
 * Reading machine actions: one by id, or the tenant's list with OData (newest first, as the
 * docs' "latest two" example implies). Status is computed for "now" on every read.
 */
import { MdeErrors } from "../wire/errors";
import type { FilterableEntity } from "../odata/odataEval";
import type { Handler } from "./handler";
import { wireTime } from "../util/ids";
import { actionEntity, actionJson, list } from "../wire/entities";
import { applyQuery } from "../odata/applyQuery";

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
  // Filtered on the filterable fields first, and only the actions returned built (and checked
  // against the wire schema): building every action made one call cost 0.7 s at 10,000 actions.
  const rows = store.actions(ctx.principal!.tenantId).map((a) => {
    const s = store.stateOf(a, ctx.nowMs);
    return { id: a.id, status: s.status, machineId: a.machineId, type: a.type, requestor: a.requestor, creationDateTimeUtc: wireTime(a.createdMs), row: { a, s } };
  });
  const selected = applyQuery(rows, ctx.query, ACTION_ENTITY).map(({ row }) => actionJson(row.a, row.s));
  // Tests wait for "a client has seen this action" instead of racing the emulated clock.
  for (const a of selected) ctx.emu.counters.bump("actionReads", String(a.id));
  return { status: 200, json: list(ctx.baseUrl, "MachineActions", selected) };
};
