/**
 * The sign-in flags of the commands that read a blob container (`mde-forensics verify` and
 * `mde-forensics report`): the provider's own `mde:*` settings under flag names (credential.ts
 * maps them), so one spelling of "which tenant, which app, which cloud" works for `pulumi up`
 * and for whoever checks or reports on its evidence. One home, so the two commands cannot drift.
 *
 * No secret is a flag: the client secret comes from AZURE_CLIENT_SECRET and a certificate's
 * password from AZURE_CLIENT_CERTIFICATE_PASSWORD only, never from process arguments (which any
 * user of the machine can list).
 */
import type { SettingName } from "../api/settingsSchema";

/** Flag → the provider setting it sets. */
const SIGN_IN_FLAGS = {
  credential: "credential",
  "tenant-id": "tenantId",
  "client-id": "clientId",
  "authority-host": "authorityHost",
  cloud: "cloud",
  "client-certificate": "clientCertificatePath",
  "federated-token-file": "federatedTokenFile",
} as const satisfies Record<string, SettingName>;

type SignInFlag = keyof typeof SIGN_IN_FLAGS;

/** The flags as `node:util` parseArgs options. */
export const SIGN_IN_OPTIONS = Object.fromEntries(Object.keys(SIGN_IN_FLAGS).map((f) => [f, { type: "string" }])) as Record<SignInFlag, { type: "string" }>;

/** The sign-in settings the parsed flags give, by the provider's setting name. */
export function signInOf(values: Partial<Record<string, unknown>>): Partial<Record<SettingName, string>> {
  const signIn: Partial<Record<SettingName, string>> = {};
  for (const flag of Object.keys(SIGN_IN_FLAGS) as SignInFlag[]) {
    const v = values[flag];
    if (typeof v === "string") signIn[SIGN_IN_FLAGS[flag]] = v;
  }
  return signIn;
}

/** The usage rows of the flags (every row at most 100 columns). */
export const SIGN_IN_USAGE = `Sign-in, for azblob:// only: the provider's settings (docs/configuration.md); a flag wins over
its environment variable. The client secret is read from AZURE_CLIENT_SECRET only, never from
the command line; a certificate's password from AZURE_CLIENT_CERTIFICATE_PASSWORD.
  --credential <kind>       MDE_CREDENTIAL: auto (default), clientSecret, clientCertificate,
                            workloadIdentity, managedIdentity, azureCli, default
  --tenant-id <id>          AZURE_TENANT_ID
  --client-id <id>          AZURE_CLIENT_ID
  --authority-host <url>    AZURE_AUTHORITY_HOST: another cloud's sign-in host, or an emulator's
  --cloud <name>            MDE_CLOUD: commercial, gcc, gccHigh, dod (its sign-in host)
  --client-certificate <f>  AZURE_CLIENT_CERTIFICATE_PATH: PEM with certificate and private key
  --federated-token-file <f>
                            AZURE_FEDERATED_TOKEN_FILE: workload identity, GitHub OIDC
auto: a secret, else a certificate, else a federated token file, else DefaultAzureCredential
(az login, managed identity...).`;
