/**
 * Machines: get by id or computer name, list with OData, find by tag (mde-api.md §7).
 * The list answers 404 when the tenant has no machines at all, as documented; a filter that
 * matches nothing is an empty 200.
 */
import { MdeErrors } from "../wire/errors";
import type { FilterableEntity } from "../odata/odataEval";
import type { Handler } from "./handler";
import { list, machineEntity, machineJson } from "../wire/entities";
import { applyQuery } from "../odata/applyQuery";

/** Properties the machines API documents as filterable. */
export const MACHINE_ENTITY: FilterableEntity = {
  typeName: "microsoft.windowsDefenderATP.api.PublicMachineDto",
  fields: {
    id: "string", computerDnsName: "string", healthStatus: "string", osPlatform: "string", machineTags: "stringArray",
    lastSeen: "date", version: "string", deviceValue: "string", aadDeviceId: "string", exposureLevel: "string",
    onboardingStatus: "string", lastIpAddress: "string", riskScore: "string", rbacGroupId: "number",
  },
};

export const getMachine: Handler = (ctx) => {
  const m = ctx.emu.store.machine(ctx.principal!.tenantId, ctx.params.id);
  if (!m) throw MdeErrors.machineNotFound(ctx.params.id);
  return { status: 200, json: machineEntity(ctx.baseUrl, m) };
};

export const listMachines: Handler = (ctx) => {
  const all = ctx.emu.store.machines(ctx.principal!.tenantId);
  if (all.length === 0) throw MdeErrors.noMachines();
  const items = applyQuery(all.map(machineJson), ctx.query, MACHINE_ENTITY);
  return { status: 200, json: list(ctx.baseUrl, "Machines", items) };
};

export const findByTag: Handler = (ctx) => {
  const tag = ctx.query.get("tag");
  if (!tag) throw MdeErrors.invalidInput("The query parameter 'tag' is required");
  const startsWith = (ctx.query.get("useStartsWithFilter") ?? "false").toLowerCase() === "true";
  const t = tag.toLowerCase();
  const hits = ctx.emu.store
    .machines(ctx.principal!.tenantId)
    .filter((m) => m.machineTags.some((x) => (startsWith ? x.toLowerCase().startsWith(t) : x.toLowerCase() === t)));
  return { status: 200, json: list(ctx.baseUrl, "Machines", hits.map(machineJson)) };
};
