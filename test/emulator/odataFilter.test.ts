import { compileFilter, pageParams } from "../../emulator/odata/odataEval";
import { FilterError, parseFilter, tokenize } from "../../emulator/odata/odataFilter";
import { ACTION_ENTITY } from "../../emulator/handlers/machineActions";
import { MACHINE_ENTITY } from "../../emulator/handlers/machines";

const machines = [
  { id: "a".repeat(40), computerDnsName: "mymachine1.contoso.com", healthStatus: "Active", osPlatform: "Windows11", machineTags: ["ExampleTag", "vip"], lastSeen: "2018-09-01T10:00:00.0000000Z", riskScore: "High" },
  { id: "b".repeat(40), computerDnsName: "other.contoso.com", healthStatus: "Inactive", osPlatform: "Linux", machineTags: [], lastSeen: "2018-07-01T10:00:00.0000000Z", riskScore: "Low" },
];
const pick = (filter: string) => machines.filter(compileFilter(filter, MACHINE_ENTITY)).map((m) => m.computerDnsName);

describe("OData $filter tokenizer", () => {
  it("tells dates, numbers, strings (with doubled quotes) and words apart", () => {
    const kinds = tokenize("lastSeen gt 2018-08-01Z and n eq 42 and name eq 'O''Neil'").map((t) => `${t.kind}:${t.text}`);
    expect(kinds).toEqual(["word:lastSeen", "word:gt", "date:2018-08-01Z", "word:and", "word:n", "word:eq", "number:42", "word:and", "word:name", "word:eq", "string:O'Neil", "eof:"]);
  });
  it("rejects an unterminated string at its position", () => {
    expect(() => tokenize("status eq 'Pending")).toThrow(/at position 10/);
  });
});

describe("OData $filter parser", () => {
  it("binds and tighter than or, and honours parentheses", () => {
    const t = parseFilter("a eq 1 or b eq 2 and c eq 3");
    expect(t.kind).toBe("or");
    const p = parseFilter("(a eq 1 or b eq 2) and c eq 3");
    expect(p.kind).toBe("and");
  });
  it.each([
    ["status eq", 9, /expected a property, a literal or '\('/],
    ["status eq 'x' and", 17, /end of input/],
    ["(status eq 'x'", 14, /expected '\)'/],
    ["status eq 'x' status", 14, /expected 'and', 'or'/],
    ["machineTags/some(t: t eq 'x')", 12, /'any' or 'all'/],
    ["status in 'x'", 10, /'\(' after 'in'/],
    ["", 0, /empty filter/],
  ])("reports %j as a syntax error at position %i", (text, pos, message) => {
    let err: unknown;
    try {
      parseFilter(text);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(FilterError);
    expect((err as FilterError).position).toBe(pos);
    expect((err as Error).message).toMatch(message);
  });
});

describe("OData $filter evaluation", () => {
  it.each([
    ["startswith(computerDnsName,'mymachine')", ["mymachine1.contoso.com"]],
    ["healthStatus ne 'Active'", ["other.contoso.com"]],
    ["lastSeen gt 2018-08-01Z", ["mymachine1.contoso.com"]],
    ["lastSeen le 2018-08-01T00:00:00Z", ["other.contoso.com"]],
    ["riskScore eq 'High'", ["mymachine1.contoso.com"]],
    ["machineTags/any(tag: tag eq 'exampletag')", ["mymachine1.contoso.com"]],
    ["machineTags/any()", ["mymachine1.contoso.com"]],
    ["osPlatform in ('Linux', 'macOS')", ["other.contoso.com"]],
    ["not (osPlatform eq 'Linux')", ["mymachine1.contoso.com"]],
    ["COMPUTERDNSNAME eq 'OTHER.contoso.com' or id eq 'nope'", ["other.contoso.com"]],
    ["(healthStatus eq 'Active' or healthStatus eq 'Inactive') and osPlatform lt 'M'", ["other.contoso.com"]],
  ])("%s", (filter, expected) => {
    expect(pick(filter)).toEqual(expected);
  });

  it("refuses properties the entity does not declare filterable", () => {
    expect(() => compileFilter("requestorComment eq 'x'", ACTION_ENTITY)).toThrow(/Could not find a property named 'requestorComment'/);
    expect(() => compileFilter("status/any(s: s eq 'x')", ACTION_ENTITY)).toThrow(/not a filterable collection/);
    expect(() => compileFilter("frobnicate(status)", ACTION_ENTITY)).toThrow(/Unknown function/);
  });

  it("compares creation dates as instants, whatever the fraction digits", () => {
    const f = compileFilter("creationDateTimeUtc ge 2024-01-24T01:36:28.5Z and creationDateTimeUtc lt 2024-01-24T01:36:29Z", ACTION_ENTITY);
    expect(f({ creationDateTimeUtc: "2024-01-24T01:36:28.7283693Z" })).toBe(true);
    expect(f({ creationDateTimeUtc: "2024-01-24T01:36:28.1Z" })).toBe(false);
  });
});

describe("$top and $skip", () => {
  it("defaults to the 10,000 page limit and refuses more", () => {
    expect(pageParams(new URLSearchParams())).toEqual({ top: 10000, skip: 0 });
    expect(pageParams(new URLSearchParams("$top=2&$skip=4"))).toEqual({ top: 2, skip: 4 });
    expect(() => pageParams(new URLSearchParams("$top=10001"))).toThrow(/limit of '10000'/);
    expect(() => pageParams(new URLSearchParams("$skip=-1"))).toThrow(/non-negative integer/);
  });
});
