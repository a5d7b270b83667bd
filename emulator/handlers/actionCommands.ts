/**
 * The two commands: start a collection, cancel an action. A collection on a machine that has one
 * Pending or InProgress is refused with 400 `ActiveRequestAlreadyExists` (or, with the scenario
 * switch `duplicateCollection: return-existing`, answered 201 with the running action: both
 * behaviours are reported, mde-api.md §8). Cancel only works on unfinished actions.
 */
import { STORED_MACHINE_ID_PATTERN } from "../../provider/api/machineIdPattern";
import { CancelRequestSchema, CollectRequestSchema } from "../../provider/api/schemas";
import { MdeErrors } from "../wire/errors";
import type { Handler } from "./handler";
import { actionEntity } from "../wire/entities";
import { jsonBody } from "./body";

export const collect: Handler = (ctx) => {
  const { store, scenario } = ctx.emu;
  const tenant = ctx.principal!.tenantId;
  const id = ctx.params.id.toLowerCase();
  const machine = STORED_MACHINE_ID_PATTERN.test(id) ? store.machine(tenant, id) : undefined;
  if (!machine) throw MdeErrors.machineNotFound(ctx.params.id);
  const body = jsonBody(ctx, CollectRequestSchema, "The body must be {\"Comment\": \"...\"}; parameter names are case-sensitive.");
  const running = store.activeCollection(tenant, machine.id, ctx.nowMs);
  if (running) {
    if (scenario.switches.duplicateCollection === "reject") throw MdeErrors.activeRequestExists();
    return { status: 201, json: actionEntity(ctx.baseUrl, running, store.stateOf(running, ctx.nowMs)) };
  }
  const action = store.createCollection(machine, ctx.principal!.appName, body.Comment, ctx.nowMs);
  ctx.emu.steering.created(action);
  return { status: 201, json: actionEntity(ctx.baseUrl, action, store.stateOf(action, ctx.nowMs)) };
};

export const cancel: Handler = (ctx) => {
  const { store } = ctx.emu;
  const action = store.action(ctx.principal!.tenantId, ctx.params.id);
  if (!action) throw MdeErrors.actionNotFound(ctx.params.id);
  const body = jsonBody(ctx, CancelRequestSchema, "The body may only hold \"Comment\".", {});
  const state = store.stateOf(action, ctx.nowMs);
  if (state.status !== "Pending" && state.status !== "InProgress") throw MdeErrors.notCancellable(action.id, state.status);
  store.cancel(action, { atMs: ctx.nowMs, requestor: ctx.principal!.appName, comment: body.Comment ?? null });
  return { status: 200, json: actionEntity(ctx.baseUrl, action, store.stateOf(action, ctx.nowMs)) };
};
