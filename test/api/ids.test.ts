import { MdeValidationError } from "../../provider/api/errors";
import { buildUrl, odataString, parseActionId, parseCollectComment, parseMachineId, pathSegment } from "../../provider/api/ids";

describe("input validation before any call", () => {
  it("normalises machine ids to lower case and rejects anything else", () => {
    expect(parseMachineId(" 3D538859B507C85CA5B30614FFFE50911DE8A9E1 ")).toBe("3d538859b507c85ca5b30614fffe50911de8a9e1");
    expect(() => parseMachineId("3d53")).toThrow(MdeValidationError);
    expect(() => parseMachineId("3d538859b507c85ca5b30614fffe50911de8a9e1/../x")).toThrow(/machineId: a machine id is 40 hexadecimal characters/);
  });

  it("accepts action ids only as GUIDs", () => {
    expect(parseActionId("92452BEB-EF01-42DF-852D-84B34EF83425")).toBe("92452beb-ef01-42df-852d-84b34ef83425");
    expect(() => parseActionId("3d538859b507c85ca5b30614fffe50911de8a9e1")).toThrow(/a machine action id is a GUID/);
  });

  it("requires a non-empty comment", () => {
    expect(parseCollectComment("  Incident 42  ")).toBe("Incident 42");
    expect(() => parseCollectComment("   ")).toThrow(/Comment must not be empty/);
  });

  it("encodes computer names so they cannot change the path", () => {
    expect(pathSegment("DESKTOP-01.contoso.com", "computer name")).toBe("DESKTOP-01.contoso.com");
    expect(pathSegment("pc #1?x=y", "computer name")).toBe("pc%20%231%3Fx%3Dy");
    for (const bad of ["a/b", "..", "x..y", "a\\b", "a\u0000b", "line\nbreak", ""]) {
      expect(() => pathSegment(bad, "computer name")).toThrow(MdeValidationError);
    }
  });

  it("escapes OData string literals by doubling quotes", () => {
    expect(odataString("O'Brien's pc")).toBe("'O''Brien''s pc'");
    expect(odataString("x' or 1 eq 1 or 'a")).toBe("'x'' or 1 eq 1 or ''a'");
  });

  it("builds URLs with literal $ keys and encoded values", () => {
    expect(buildUrl("http://h", "/api/machines", { $filter: "computerDnsName eq 'a&b'", $top: 2, $skip: undefined })).toBe(
      "http://h/api/machines?$filter=computerDnsName%20eq%20'a%26b'&$top=2",
    );
  });
});
