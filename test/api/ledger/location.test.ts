/** `mde:quotaLedger` is checked with the other settings: a malformed one fails before any call, saying what to fix. */
import { resolveSettings } from "../../../provider/api/settings";

const settings = (env: Record<string, string>) => resolveSettings({ env: { MDE_API_URL: "https://127.0.0.1:1", ...env } });

describe("mde:quotaLedger", () => {
  it("accepts the evidence locations' spelling, with ?endpoint= and ?marginMs=", () => {
    const s = settings({ MDE_QUOTA_LEDGER: "azblob://devstoreaccount1/mde-quota/ledger?endpoint=https://127.0.0.1:10000/devstoreaccount1/&marginMs=250", MDE_QUOTA_LEDGER_FALLBACK: "local" });
    expect(s.quotaLedger).toMatchObject({ account: "devstoreaccount1", container: "mde-quota", name: "ledger", endpoint: "https://127.0.0.1:10000/devstoreaccount1", marginMs: 250, skewMs: 125 });
    // What an answered call keeps of the margin: 250 ms by default, 0 for runners on one host.
    expect(settings({ MDE_QUOTA_LEDGER: "azblob://contosoir/quota/l" }).quotaLedger).toMatchObject({ marginMs: 2_000, skewMs: 250 });
    expect(settings({ MDE_QUOTA_LEDGER: "azblob://contosoir/quota/l?skewMs=0" }).quotaLedger).toMatchObject({ skewMs: 0, text: "azblob://contosoir/quota/l?skewMs=0" });
    expect(s.quotaLedgerFallback).toBe("local");
    expect(settings({}).quotaLedger).toBeUndefined();
  });

  it.each([
    ["https://contosoir.blob.core.windows.net/q/l", /the quota ledger is an azblob:\/\/ location/],
    ["azblob://Contoso/q/l", /'Contoso' is not a storage account name/],
    ["azblob://contosoir/Q_/l", /'Q_' is not a container name/],
    ["azblob://contosoir/quota", /name the ledger after the container/],
    ["azblob://contosoir/quota/l?endpoint=http://127.0.0.1:10000", /endpoint must be https \(Azurite: start it with --cert and --key\)/],
    ["azblob://contosoir/quota/l?lease=5", /unknown option 'lease'/],
    ["azblob://contosoir/quota/l?marginMs=1000&skewMs=600", /skewMs must be a whole number of milliseconds from 0 to half of marginMs \(500\)/],
  ])("refuses %s with what to fix", (value, why) => {
    expect(() => settings({ MDE_QUOTA_LEDGER: value })).toThrow(why);
    expect(() => settings({ MDE_QUOTA_LEDGER: value })).toThrow(/mde:quotaLedger \/ MDE_QUOTA_LEDGER: .*e\.g\. azblob:\/\/contosoir\/mde-quota\/ledger/);
  });

  it("refuses an unknown fallback", () => {
    expect(() => settings({ MDE_QUOTA_LEDGER_FALLBACK: "ignore" })).toThrow(/mde:quotaLedgerFallback \/ MDE_QUOTA_LEDGER_FALLBACK: must be error .* or local/);
  });
});
