import { MdeError } from "../../provider/api/errors";
import { toMdeError } from "../../provider/api/httpErrors";
import type { MachineAction } from "../../provider/api/schemas";
import { WaitTimeoutError } from "../../provider/resource/watcher";
import { ForensicsError } from "../../provider/util/error";
import { redactingLogger } from "../../provider/util/logger";
import { redact, REDACTED } from "../../provider/util/redact";
import { MemoryLogger } from "../api/helpers";

const JWT = "eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9.eyJhdWQiOiJodHRwczovL2FwaS5zZWN1cml0eWNlbnRlci5taWNyb3NvZnQuY29tIn0.c2lnbmF0dXJlLXBhcnQ";
const SECRET = "Abc~def.SuperSecret_0123456789";
const LINK = "https://userrequests-us.securitycenter.windows.com:443/safedownload/WDATP_Investigation_Package.zip?token=tok-Zq9x81&sig=sIg%2Bvalue%3D";

describe("redact", () => {
  it("removes bearer tokens and JWT-looking strings", () => {
    const out = redact(`Authorization: Bearer ${JWT} and bare ${JWT}`);
    expect(out).not.toContain(JWT.slice(0, 30));
    expect(out).toContain(`Bearer ${REDACTED}`);
    expect(redact("Bearer opaque-token.value~123")).toBe(`Bearer ${REDACTED}`);
  });

  it("removes client_secret and other credential parameters, in forms and JSON", () => {
    expect(redact(`grant_type=client_credentials&client_secret=${SECRET}&scope=x`)).toBe(`grant_type=client_credentials&client_secret=${REDACTED}&scope=x`);
    expect(redact(`{"client_secret": "${SECRET}", "access_token":"abc"}`)).not.toMatch(/SuperSecret|"abc"/);
  });

  it("drops the query string of every URL and keeps host and path", () => {
    expect(redact(`download ${LINK} now`)).toBe(
      `download https://userrequests-us.securitycenter.windows.com:443/safedownload/WDATP_Investigation_Package.zip?${REDACTED} now`,
    );
  });

  it("removes known secret values verbatim, however they are quoted", () => {
    expect(redact(`the secret '${SECRET}' was rejected`, [SECRET])).toBe(`the secret '${REDACTED}' was rejected`);
  });

  it("leaves ordinary text alone", () => {
    const text = "POST /api/machines/3d53/collectInvestigationPackage failed with 400 ActiveRequestAlreadyExists";
    expect(redact(text)).toBe(text);
  });
});

describe("no credential reaches an error message or a log line", () => {
  it("redacts what MDE echoes back in an error body", () => {
    const e = toMdeError({
      method: "GET", path: "/api/machineactions/x/GetPackageUri", family: "packageUri", status: 500,
      headers: {}, nowMs: 0,
      body: { error: { code: "InternalServerError", message: `failed for ${LINK} with Bearer ${JWT} client_secret=${SECRET}`, target: "t" } },
    });
    for (const leak of ["tok-Zq9x81", "sIg", JWT, SECRET]) expect(e.message).not.toContain(leak);
  });

  it("redacts messages and paths given to MdeError directly", () => {
    const e = new MdeError(`oops ${SECRET} at ${LINK}`, { path: "/safedownload/x.zip?token=tok-Zq9x81", knownSecrets: [SECRET] });
    expect(e.message).not.toContain(SECRET);
    expect(e.message).not.toContain("tok-Zq9x81");
    expect(e.path).toBe("/safedownload/x.zip");
  });

  it("redacts errors thrown outside the client too: they share the base", () => {
    const e = new WaitTimeoutError({ status: `InProgress, Bearer ${JWT}` } as unknown as MachineAction);
    expect(e).toBeInstanceOf(ForensicsError);
    expect(e.name).toBe("WaitTimeoutError");
    expect(e.message).toBe(`still InProgress, Bearer ${REDACTED} when the wait ended`);
  });

  it("redacts every logged line", () => {
    const sink = new MemoryLogger();
    const log = redactingLogger(sink, [SECRET]);
    log.info(`got ${LINK}`);
    log.warn(`Authorization: Bearer ${JWT}; secret ${SECRET}`);
    const all = sink.lines.join("\n");
    for (const leak of ["tok-Zq9x81", "sIg", JWT, SECRET]) expect(all).not.toContain(leak);
    expect(sink.lines).toHaveLength(2);
  });
});
