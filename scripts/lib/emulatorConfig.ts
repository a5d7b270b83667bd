import type { EmulatorHandle } from "../../emulator";
import { settingsAsStackConfig } from "../../provider/api/settingsConfig";
import type { StackConfigValue } from "./stackRunner";

/** What a program needs to know of an emulator to call it: the facts of its default application. */
export type EmulatorFacts = Pick<EmulatorHandle, "apiUrl" | "authorityHost" | "tenantId" | "clientId" | "clientSecret">;

/**
 * The `mde:*` stack config that points a program at an emulator: its API and authority, its
 * default application (the secret as a Pulumi secret), and the time scale its clock runs at, so
 * the provider's quotas, polling and deadlines follow it. The one mapping scripts, tests and the
 * benchmark use.
 */
export function emulatorStackConfig(emulator: EmulatorFacts, timeScale: number): Record<string, StackConfigValue> {
  return settingsAsStackConfig({
    apiUrl: emulator.apiUrl,
    authorityHost: emulator.authorityHost,
    tenantId: emulator.tenantId,
    clientId: emulator.clientId,
    clientSecret: emulator.clientSecret,
    rateLimits: JSON.stringify({ timeScale }),
  });
}
