/**
 * The control endpoint's steering routes (persistence/steering.ts): hold, release or end an action, hold or
 * release a machine's collections. Answers `undefined` for a path that is not one of them.
 *
 *     GET  /_emulator/actions/{id}                      → { id, machineId, status, held }
 *     POST /_emulator/actions/{id}/hold | /release
 *     POST /_emulator/actions/{id}/complete {"status": "Succeeded"|"Failed"|"TimeOut", "errorHResult"?}
 *     POST /_emulator/machines/{id or name}/hold | /release   → the actions it held or released
 */
import { z } from "zod";
import type { EmulatorCore } from "../core";
import type { Reply } from "../handlers/handler";
import { SteeringError } from "../persistence/steering";

const CompleteSchema = z.strictObject({
  status: z.enum(["Succeeded", "Failed", "TimeOut"]),
  errorHResult: z.number().int().optional(),
});

export function handleSteering(emu: EmulatorCore, method: string, sub: string, json: () => unknown): Reply | undefined {
  const m = /^\/(actions|machines)\/([^/]+)(?:\/(hold|release|complete))?$/i.exec(sub);
  if (!m) return undefined;
  const [, kind, rawId, verb] = m;
  const id = decodeURIComponent(rawId);
  const s = emu.steering;
  try {
    if (kind.toLowerCase() === "actions") {
      if (method === "GET" && !verb) {
        const action = emu.store.actionById(id);
        return action ? { status: 200, json: s.view(action) } : { status: 404, json: problem(`no action ${id}`) };
      }
      if (method !== "POST" || !verb) return undefined;
      const v = verb.toLowerCase();
      if (v === "hold") return { status: 200, json: s.hold(id) };
      if (v === "release") return { status: 200, json: s.release(id) };
      const c = CompleteSchema.parse(json());
      return { status: 200, json: s.complete(id, c.status, c.errorHResult) };
    }
    if (method !== "POST" || !verb || verb.toLowerCase() === "complete") return undefined;
    const actions = verb.toLowerCase() === "hold" ? s.holdMachine(id) : s.releaseMachine(id);
    return { status: 200, json: { actions } };
  } catch (e) {
    if (e instanceof SteeringError) return { status: e.status, json: problem(e.message) };
    throw e;
  }
}

const problem = (message: string) => ({ error: { code: "ControlError", message } });
