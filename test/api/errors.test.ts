import {
  isMdeError,
  isMdeErrorOfKind,
  MdeAlreadyRunningError,
  MdeError,
  MdeForbiddenError,
  MdeNotFoundError,
  MdeThrottledError,
  MdeUnauthorizedError,
} from "../../provider/api/errors";
import { parseRoles, toMdeError, type ErrorContext } from "../../provider/api/httpErrors";

const NOW = Date.UTC(2026, 0, 1);
function ctx(status: number, body: unknown, over: Partial<ErrorContext> = {}): ErrorContext {
  return { method: "POST", path: "/api/machines/abc/collectInvestigationPackage", family: "collect", status, headers: {}, body, nowMs: NOW, ...over };
}
const body = (code: string, message: string) => ({ error: { code, message, target: "|3f2a1b.9" } });

describe("toMdeError", () => {
  it("keeps status, MDE code, correlation id, method and path, and says what to do", () => {
    const e = toMdeError(ctx(404, body("ResourceNotFound", "Machine 123 was not found"), { method: "GET", path: "/api/machines/123", family: "read" }));
    expect(e).toBeInstanceOf(MdeNotFoundError);
    expect(e).toMatchObject({ name: "MdeNotFoundError", kind: "notFound", status: 404, code: "ResourceNotFound", correlationId: "|3f2a1b.9", method: "GET", path: "/api/machines/123" });
    expect(e.message).toMatch(/^GET \/api\/machines\/123 failed with 404 ResourceNotFound: Machine 123 was not found\. Check the id/);
    expect(e.message).toContain("MDE correlation id |3f2a1b.9");
  });

  it("recognises an already-running collection by code or by wording", () => {
    expect(toMdeError(ctx(400, body("ActiveRequestAlreadyExists", "x")))).toBeInstanceOf(MdeAlreadyRunningError);
    expect(toMdeError(ctx(400, body("BadRequest", "Action is already in progress")))).toBeInstanceOf(MdeAlreadyRunningError);
    const other = toMdeError(ctx(400, body("OsPlatformNotSupported", "OS Platform Linux isn't supported for this action")));
    expect(other).not.toBeInstanceOf(MdeAlreadyRunningError);
    expect(other.code).toBe("OsPlatformNotSupported");
  });

  it("names the missing role of a 403 and the permission to grant", () => {
    const e = toMdeError(
      ctx(403, body("Forbidden", "Missing application roles. API required roles: Machine.Read.All,Machine.ReadWrite.All, application roles: Machine.Isolate."), {
        method: "GET", path: "/api/machineactions", family: "read",
      }),
    ) as MdeForbiddenError;
    expect(e).toBeInstanceOf(MdeForbiddenError);
    expect(e.requiredRoles).toEqual(["Machine.Read.All", "Machine.ReadWrite.All"]);
    expect(e.grantedRoles).toEqual(["Machine.Isolate"]);
    expect(e.missingRoles).toEqual(["Machine.Read.All", "Machine.ReadWrite.All"]);
    expect(e.message).toContain("lacks the application permission one of Machine.Read.All, Machine.ReadWrite.All (the token has: Machine.Isolate)");
    expect(e.message).toContain("WindowsDefenderATP → Application permissions → Machine.Read.All");
    expect(e.message).toContain("Grant admin consent");
  });

  it("falls back to the route's permission when the 403 text has no role list", () => {
    const e = toMdeError(ctx(403, body("Forbidden", "The application does not have any of the required application permissions to access the resource.")));
    expect(e.message).toContain("lacks the application permission Machine.CollectForensics");
  });

  it("reads Retry-After into a throttled error", () => {
    const e = toMdeError(ctx(429, body("TooManyRequests", "API calls quota exceeded! maximum allowed 100 per 00:01:00"), { headers: { "retry-after": "42" } }));
    expect(e).toBeInstanceOf(MdeThrottledError);
    expect((e as MdeThrottledError).retryAfterMs).toBe(42_000);
    expect(e.message).toContain("retry after 42 s");
  });

  it("classifies 401 and other statuses, including non-JSON bodies", () => {
    expect(toMdeError(ctx(401, body("Unauthorized", "token expired")))).toBeInstanceOf(MdeUnauthorizedError);
    const e = toMdeError(ctx(502, "<html>Bad gateway</html>"));
    expect(e.constructor).toBe(MdeError);
    expect(e.message).toContain("failed with 502: <html>Bad gateway</html>");
    expect(e.message).toContain("retrying later usually helps");
  });

  it("recognises MDE errors across package copies by brand and kind", () => {
    const e = toMdeError(ctx(404, undefined));
    expect(isMdeError(e)).toBe(true);
    expect(isMdeErrorOfKind(e, "notFound")).toBe(true);
    expect(isMdeErrorOfKind(e, "forbidden")).toBe(false);
    expect(isMdeError(new Error("x"))).toBe(false);
    const foreign = Object.assign(new Error("x"), { kind: "notFound", [Symbol.for("pulumi-mde-forensics/MdeError")]: true });
    expect(isMdeErrorOfKind(foreign, "notFound")).toBe(true);
  });
});

describe("parseRoles", () => {
  it("returns undefined for messages without role lists", () => {
    expect(parseRoles("Forbidden")).toBeUndefined();
  });
  it("handles a single required role and no granted role", () => {
    expect(parseRoles("Missing application roles. API required roles: Machine.CollectForensics, application roles: .")).toEqual({
      required: ["Machine.CollectForensics"],
      granted: [],
    });
  });
});
