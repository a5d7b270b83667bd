/** A misspelt `mde:*` key is named with the closest setting, instead of being silently ignored. */
import { unknownSettingWarnings } from "../../provider/api/unknownSettings";

it("names a misspelt key and the closest setting, and says nothing of known or other namespaces' keys", () => {
  expect(unknownSettingWarnings(["mde:tenantID", "mde:tenantId", "mde:clientSecret", "incident-runbook:devices", "mde:evidenceSigningKeyFile"])).toEqual([
    "stack config mde:tenantID is not a setting and is ignored: did you mean mde:tenantId? (pulumi config rm mde:tenantID, then pulumi config set mde:tenantId …)",
  ]);
  expect(unknownSettingWarnings(["mde:authorityhost", "mde:rateLimit"])).toEqual([
    expect.stringContaining("did you mean mde:authorityHost?"),
    expect.stringContaining("did you mean mde:rateLimits?"),
  ]);
  expect(unknownSettingWarnings(["mde:evidenceKey"])[0]).toMatch(/mde:evidenceKey is not a setting and is ignored \(known: mde:apiUrl, .*mde:evidenceSigningKeyFile\)/);
});
