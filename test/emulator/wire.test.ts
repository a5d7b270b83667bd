/**
 * Replies are built from and checked against the shared wire schemas: drift throws. And the
 * access log has one line per request with its id, never a bearer token or a download token.
 */
import { MachineActionWireSchema, PackageUriSchema } from "../../provider/api/schemas";
import { planFor } from "../../emulator/persistence/lifecycle";
import type { StoredAction } from "../../emulator/persistence/store";
import { actionJson, packageUriJson, validated } from "../../emulator/wire/entities";
import { DEFAULT_ACTIONS } from "../../emulator/scenario/defaultScenario";
import { startHarness } from "./harness";

const stored: StoredAction = {
  id: "5382f7ea-7557-4ab7-9782-d50480024a4e", tenantId: "t", machineId: "a".repeat(40), computerDnsName: "x", osPlatform: "Windows11",
  type: "CollectInvestigationPackage", requestor: "app", requestorComment: "c", createdMs: 0, plan: planFor("online"), packageSizeKiB: null, cancellation: null,
};

it("builds MachineActions that carry every field the shared schema names, in the real spellings", () => {
  const body = actionJson(stored, { status: "Pending", lastUpdateMs: 0, errorHResult: 0 });
  expect(MachineActionWireSchema.safeParse(body).success).toBe(true);
  expect(body).toHaveProperty("lastUpdateDateTimeUtc");
  expect(body).toHaveProperty("externalId");
  expect(body).not.toHaveProperty("lastUpdateTimeUtc");
  expect(body).not.toHaveProperty("externalID");
});

it("throws when a reply drifts from the schema: a wrong type, or a field left out", () => {
  expect(() => actionJson(stored, { status: "Done" as never, lastUpdateMs: 0, errorHResult: 0 })).toThrow(/violates the wire schema/);
  const { troubleshootInfo: _dropped, ...partial } = actionJson(stored, { status: "Pending", lastUpdateMs: 0, errorHResult: 0 });
  expect(() => validated(MachineActionWireSchema, partial, "MachineAction")).toThrow(/lacks fields of the wire schema: troubleshootInfo/);
  expect(() => validated(PackageUriSchema, { value: "not a url" }, "PackageUri")).toThrow(/violates/);
  expect(packageUriJson("https://127.0.0.1:1", "https://127.0.0.1:1/x").value).toBe("https://127.0.0.1:1/x");
});

it("logs one access line per request with its request id, and never the bearer or download token", async () => {
  const h = await startHarness({ quiet: false });
  try {
    const token = await h.token();
    const res = await h.call("GET", `/api/machineactions/${DEFAULT_ACTIONS.succeeded}/GetPackageUri`, { token });
    const link: string = res.json.value;
    await h.call("GET", link);
    const lines = h.logs.filter((l) => / (GET|POST) /.test(l));
    expect(lines).toHaveLength(3);
    expect(lines[1]).toContain(res.headers["request-id"] as string);
    const all = h.logs.join("\n");
    expect(all).not.toContain(token);
    expect(all).not.toContain(new URL(link).searchParams.get("token")!);
    expect(all).toMatch(/safedownload\/WDATP_Investigation_Package\.zip\?token=REDACTED 200/);
  } finally {
    await h.close();
  }
});
