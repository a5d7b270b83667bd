/** One parser for every azblob:// location (evidence, quota ledger): the shared rules, and each caller's own options and path. */
import { parseAzblobLocation } from "../../provider/api/azblobLocation";

const rules = { options: ["legalHold"], pathName: "prefix", schemeProblem: "starts with azblob://" };
const problem = (raw: string) => {
  const r = parseAzblobLocation(raw, rules);
  return r.ok ? undefined : r.problem;
};

describe("parseAzblobLocation", () => {
  it("reads account, container, path, options and the endpoint (the public cloud's without ?endpoint=)", () => {
    expect(parseAzblobLocation(" azblob://contosoir/evidence//INC-1/a?legalHold=true ", rules)).toMatchObject({
      ok: true,
      value: { account: "contosoir", container: "evidence", segments: ["INC-1", "a"], endpoint: "https://contosoir.blob.core.windows.net", endpointGiven: false },
    });
    const local = parseAzblobLocation("azblob://devstoreaccount1/evidence?endpoint=https://127.0.0.1:10000/devstoreaccount1/", rules);
    expect(local).toMatchObject({ ok: true, value: { segments: [], endpoint: "https://127.0.0.1:10000/devstoreaccount1", endpointGiven: true } });
  });

  it.each([
    ["https://contosoir.blob.core.windows.net/e", "starts with azblob://"],
    ["azblob://Contoso/e", "'Contoso' is not a storage account name (3-24 lower-case letters and digits)"],
    ["azblob://contosoir/E--", "'E--' is not a container name (3-63 lower-case letters, digits and single hyphens)"],
    ["azblob://contosoir/evidence/../x", "the prefix must not contain . or .. segments"],
    ["azblob://contosoir/evidence?marginMs=1", "unknown option 'marginMs' (legalHold, endpoint)"],
    ["azblob://contosoir/evidence?endpoint=nope", "endpoint 'nope' is not a URL"],
    ["azblob://contosoir/evidence?endpoint=http://127.0.0.1:10000", "endpoint must be https (Azurite: start it with --cert and --key)"],
    ["azblob://contosoir/evidence?endpoint=http://storage.example", "endpoint must be https"],
  ])("%s: %s", (raw, why) => {
    expect(problem(raw)).toBe(why);
  });
});
