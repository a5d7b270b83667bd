/**
 * The credential `verify` reads a blob container with: the provider's own (provider/api
 * `resolveSettings` + `signInCredential`), from the flags (args.ts) over the environment, so the
 * tenant, client, authority host, certificate and workload identity that worked for `pulumi up`
 * work here, against another cloud or an emulator too. Before this, `verify` only used
 * `DefaultAzureCredential`, which ignored a custom authority host's need to skip instance
 * discovery and failed with `endpoints_resolution_error`.
 */
import type { TokenCredential } from "@azure/identity";
import { resolveSettings } from "../api/settings";
import type { SettingName } from "../api/settingsSchema";
import { signInCredential } from "../api/signInCredential";

export function verifyCredential(flags: Partial<Record<SettingName, string>>, env: NodeJS.ProcessEnv = process.env): TokenCredential {
  return signInCredential(resolveSettings({ config: (key) => flags[key as SettingName], env }));
}
