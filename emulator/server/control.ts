/**
 * The control endpoint `/_emulator/...`: lets tests and demos look inside (counters, package
 * hashes, the clock) and steer (faults, clock, resets). It exists only when enabled
 * (`control: true` / `--control`); otherwise those paths are 404 like any unknown path, so
 * nothing about the fake leaks into a client that should only see the real API surface.
 * No authentication: the emulator listens on loopback only.
 */
import { z } from "zod";
import type { EmulatorCore } from "../core";
import { handleSteering } from "./controlSteering";
import { isAdvanceable } from "../util/manualClock";
import type { Reply } from "../handlers/handler";

export const CONTROL_PREFIX = "/_emulator";

const AdvanceSchema = z.strictObject({
  ms: z.number().nonnegative().optional(),
  seconds: z.number().nonnegative().optional(),
  minutes: z.number().nonnegative().optional(),
  hours: z.number().nonnegative().optional(),
});

const ok = (json: unknown, status = 200): Reply => ({ status, json });
const problem = (status: number, message: string): Reply => ({ status, json: { error: { code: "ControlError", message } } });

export async function handleControl(emu: EmulatorCore, method: string, path: string, body: Buffer): Promise<Reply> {
  const sub = path.slice(CONTROL_PREFIX.length).toLowerCase() || "/";
  const json = () => (body.length ? JSON.parse(body.toString("utf8")) : {});
  try {
    if (method === "GET" && sub === "/health") return ok({ ok: true });
    if (method === "GET" && sub === "/counters") return ok(emu.counters.snapshot());
    if (method === "POST" && sub === "/reset-counters") {
      emu.counters.reset();
      return ok(emu.counters.snapshot());
    }
    if (method === "POST" && sub === "/reset-quotas") {
      emu.quotas.reset();
      return ok({ ok: true });
    }
    if (sub === "/faults") {
      if (method === "GET") return ok({ faults: emu.faults.list() });
      if (method === "POST") return ok({ faults: emu.faults.add(json()) });
      if (method === "DELETE") {
        emu.faults.clear();
        return ok({ faults: [] });
      }
    }
    const named = /^\/faults\/([^/]+)$/.exec(path.slice(CONTROL_PREFIX.length));
    if (method === "DELETE" && named) {
      const name = decodeURIComponent(named[1]);
      if (!emu.faults.clear(name)) return problem(404, `no fault named ${name}`);
      return ok({ faults: emu.faults.list() });
    }
    const steered = handleSteering(emu, method, path.slice(CONTROL_PREFIX.length), json);
    if (steered) return steered;
    const pkg = /^\/packages\/([^/]+)$/.exec(path.slice(CONTROL_PREFIX.length));
    if (method === "GET" && pkg) {
      const action = emu.store.actionById(decodeURIComponent(pkg[1]));
      if (!action) return problem(404, `no action ${pkg[1]}`);
      const status = emu.store.stateOf(action, emu.clock.now()).status;
      if (status !== "Succeeded") return problem(404, `action ${action.id} is ${status}; only Succeeded collections have a package`);
      return ok(await emu.packages.info(action));
    }
    if (method === "GET" && sub === "/plants") return ok({ plants: emu.scenario.answerKey });
    if (method === "GET" && sub === "/clock") return ok(clockInfo(emu));
    if (method === "POST" && sub === "/clock/advance") {
      if (!isAdvanceable(emu.clock)) return problem(409, "the emulator runs on a real or scaled clock; start it with a manual clock (--manual-clock) to advance time");
      const a = AdvanceSchema.parse(json());
      const ms = (a.ms ?? 0) + (a.seconds ?? 0) * 1e3 + (a.minutes ?? 0) * 6e4 + (a.hours ?? 0) * 3.6e6;
      await emu.clock.advance(ms);
      return ok(clockInfo(emu));
    }
  } catch (e) {
    return problem(400, e instanceof z.ZodError ? z.prettifyError(e) : (e as Error).message);
  }
  return problem(404, `no control route ${method} ${path}`);
}

function clockInfo(emu: EmulatorCore) {
  const now = emu.clock.now();
  return { now, iso: new Date(now).toISOString(), timeScale: emu.timeScale, manual: isAdvanceable(emu.clock) };
}
