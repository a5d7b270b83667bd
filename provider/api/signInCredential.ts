/**
 * The provider's credential for callers that hand a `TokenCredential` to another SDK (the
 * storage SDK in `mde-forensics verify`): the same construction from the same settings
 * (auth.ts `createCredential`), and a failed sign-in explained the same way (signInErrors.ts,
 * the TLS code recovered by tlsTrust.ts) instead of MSAL's bare `endpoints_resolution_error`.
 */
import type { AccessToken, GetTokenOptions, TokenCredential } from "@azure/identity";
import { createCredential, credentialOptionsFor } from "./auth";
import type { MdeSettings } from "./settings";
import { signInError } from "./signInErrors";
import { signInTlsCode } from "./tlsTrust";

/** A short description of the settings' credential, for messages: `clientSecret credential for client …`. */
export function describeCredential(settings: MdeSettings): string {
  const { kind, clientId } = credentialOptionsFor(settings);
  return `${kind} credential${clientId ? ` for client ${clientId}` : ""}`;
}

export function signInCredential(settings: MdeSettings): TokenCredential {
  const inner = createCredential(settings);
  const knownSecrets = [settings.secrets.clientSecret, settings.secrets.clientCertificatePassword];
  return {
    async getToken(scopes: string | string[], options?: GetTokenOptions): Promise<AccessToken | null> {
      try {
        return await inner.getToken(scopes, options);
      } catch (cause) {
        const scope = Array.isArray(scopes) ? scopes.join(" ") : scopes;
        const tlsCode = await signInTlsCode(cause, settings.authorityHost);
        throw signInError(cause, { scope, description: describeCredential(settings), knownSecrets, authorityHost: settings.authorityHost, tlsCode });
      }
    },
  };
}
