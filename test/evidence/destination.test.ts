/**
 * The `evidence` input: a folder or an azblob:// destination, checked at preview (`check`),
 * before anything is collected; malformed destinations name what is wrong and show an example.
 */
import { parseBlobDestination } from "../../provider/evidence/blob/destination";
import { checkInputs } from "../../provider/resource/inputs";

const base = { machineId: "1e5bc9d7e413ddd7902c2932e418702b84d0cc07", comment: "INC-12" };

describe("evidence destinations", () => {
  it("parse account, container, prefix, options and the public-cloud endpoint", () => {
    expect(parseBlobDestination("azblob://contosoir/evidence/INC-2041/round-2?legalHold=true&retentionDays=365")).toEqual({
      account: "contosoir",
      container: "evidence",
      prefix: "INC-2041/round-2",
      endpoint: "https://contosoir.blob.core.windows.net",
      legalHold: true,
      retentionDays: 365,
      text: "azblob://contosoir/evidence/INC-2041/round-2?legalHold=true&retentionDays=365",
    });
    expect(parseBlobDestination("azblob://devstoreaccount1/evd?endpoint=https://127.0.0.1:10000/devstoreaccount1/")).toMatchObject({ prefix: "", endpoint: "https://127.0.0.1:10000/devstoreaccount1" });
  });

  it.each([
    ["azblob://Contoso/evidence", /'Contoso' is not a storage account name/],
    ["azblob://contoso/Evidence_1", /'Evidence_1' is not a container name/],
    ["azblob://contoso", /'' is not a container name/],
    ["azblob://contoso/evidence/../x", /must not contain \. or \.\. segments/],
    ["azblob://contoso/evidence?legalhold=true", /unknown option 'legalhold'/],
    ["azblob://contoso/evidence?retentionDays=0", /retentionDays must be a whole number of days/],
    ["azblob://contoso/evidence?endpoint=http://127.0.0.1:10000/x", /endpoint must be https \(Azurite: start it with --cert and --key\)/],
  ])("refuse %s at check, with an example", (evidence, message) => {
    const { failures } = checkInputs({ ...base, evidence });
    expect(failures).toHaveLength(1);
    expect(failures[0].property).toBe("evidence");
    expect(failures[0].reason).toMatch(message);
    expect(failures[0].reason).toContain("e.g. azblob://contosoir/evidence/INC-2041?legalHold=true");
  });

  it("store `evidence` as evidenceDirectory (one field to compare), and refuse both at once", () => {
    expect(checkInputs({ ...base, evidence: "azblob://contosoir/evidence/x/" }).inputs).toMatchObject({ evidenceDirectory: "azblob://contosoir/evidence/x" });
    expect(checkInputs({ ...base, evidence: "./evidence" }).inputs).toMatchObject({ evidenceDirectory: "./evidence" });
    expect(checkInputs({ ...base, evidence: "./a", evidenceDirectory: "./b" }).failures).toEqual([{ property: "evidence", reason: "set either evidence or evidenceDirectory, not both: they name the same place" }]);
  });

  it.each(["evidenceDirectory", "evidence"])("refuse a NUL byte in %s at check (preview), before any collection", (field) => {
    const { failures } = checkInputs({ ...base, [field]: "./evidence/INC-1\u0000/../../etc" });
    expect(failures).toHaveLength(1);
    expect(failures[0].property).toBe(field);
    expect(failures[0].reason).toMatch(/NUL byte/);
  });

  it.each([
    ["evidenceDirectory", "/work/examples/incident-runbook/azblob:/devstoreaccount1/evidence/INC-2041", /azblob:\/\/<account>\/<container>.*passed as it is \(no path.resolve or path.join\)/],
    ["evidence", "azblob:/contosoir/evidence", /passed as it is/],
    ["evidence", "https://contosoir.blob.core.windows.net/evidence", /looks like a URL \(https:\/…\), not a folder path/],
  ])("refuse a local %s that looks like a URL (%s) at check", (field, value, message) => {
    const { failures } = checkInputs({ ...base, [field]: value });
    expect(failures).toEqual([{ property: field, reason: expect.stringMatching(message) }]);
  });

  it.each(["./evidence/INC-1", "/srv/ir/evidence", "C:/evidence", "evidence/10:30"])("keep the folder path %s", (evidence) => {
    expect(checkInputs({ ...base, evidence }).failures).toEqual([]);
  });
});
