import { authPolicy, CachingTokenSource } from "../../provider/api/auth";
import { MdeValidationError } from "../../provider/api/errors";
import { toMdeError } from "../../provider/api/httpErrors";
import { throttlePolicy } from "../../provider/api/limiter";
import { composePipeline, type MdeRequest, type Policy } from "../../provider/api/pipeline";
import { retryPolicy } from "../../provider/api/retry";
import { FakeClock } from "../helpers/fakeClock";
import { StaticCredential } from "./helpers";

const request: MdeRequest = { method: "GET", url: "https://api.security.microsoft.com/api/machines/x", route: "GET /api/machines/{id}", family: "read", idempotent: true };

describe("pipeline order: retry → throttle → auth → transport", () => {
  it("gives every attempt a fresh quota slot and a fresh token", async () => {
    const clock = new FakeClock();
    const log: string[] = [];
    const limiter = {
      acquire: async (family: string) => {
        log.push(`slot ${family}`);
      },
    };
    const credential = new StaticCredential(["tok-1", "tok-2"], clock);
    const tokens = new CachingTokenSource(credential, "scope/.default", clock);
    let sent = 0;
    const send = composePipeline([retryPolicy({ clock }), throttlePolicy(limiter), authPolicy(tokens)], async (r) => {
      log.push(`send ${r.headers?.Authorization}`);
      if (sent++ === 0) throw toMdeError({ method: "GET", path: "/api/machines/x", family: "read", status: 401, headers: {}, body: undefined, nowMs: clock.now() });
      return { status: 200, headers: {}, body: {} };
    });
    await clock.runUntilSettled(send(request));
    expect(log).toEqual(["slot read", "send Bearer tok-1", "slot read", "send Bearer tok-2"]);
    expect(credential.calls).toBe(2);
  });

  it("rejects a pipeline with the same policy twice", () => {
    const p: Policy = { name: "x", send: (r, n) => n(r) };
    expect(() => composePipeline([p, p], async () => ({ status: 200, headers: {}, body: undefined }))).toThrow(/twice/);
  });

  it("never sends a token over plain http to a non-local host", async () => {
    const clock = new FakeClock();
    const tokens = new CachingTokenSource(new StaticCredential(), "s", clock);
    const transport = jest.fn();
    const send = composePipeline([authPolicy(tokens)], transport);
    await expect(send({ ...request, url: "http://api.security.microsoft.com/api/machines" })).rejects.toBeInstanceOf(MdeValidationError);
    expect(transport).not.toHaveBeenCalled();
  });
});
