import type { EmulatorHandle } from "../../emulator";
import { settingsAsEnv, settingsAsStackConfig } from "../../provider/api/settingsConfig";
import type { SettingName } from "../../provider/api/settingsSchema";
import type { StackConfigValue } from "./stackRunner";

/** What a program needs to know of an emulator to call it: the facts of its default application. */
export type EmulatorFacts = Pick<EmulatorHandle, "apiUrl" | "authorityHost" | "tenantId" | "clientId" | "clientSecret">;

/**
 * The settings that point a program at an emulator: its API and authority, its default
 * application, and the time scale its clock runs at, so the provider's quotas, polling and
 * deadlines follow it. The one mapping scripts, tests and the benchmark use.
 */
function emulatorSettings(emulator: EmulatorFacts, timeScale: number): Partial<Record<SettingName, string>> {
  return {
    apiUrl: emulator.apiUrl,
    authorityHost: emulator.authorityHost,
    tenantId: emulator.tenantId,
    clientId: emulator.clientId,
    clientSecret: emulator.clientSecret,
    rateLimits: JSON.stringify({ timeScale }),
  };
}

/** Those settings as the `mde:*` stack config (the secret as a Pulumi secret). */
export function emulatorStackConfig(emulator: EmulatorFacts, timeScale: number): Record<string, StackConfigValue> {
  return settingsAsStackConfig(emulatorSettings(emulator, timeScale));
}

/** Those settings as the environment of a process that runs the provider's code without Pulumi (`MDE_*`, `AZURE_*`). */
export function emulatorEnv(emulator: EmulatorFacts, timeScale: number): Record<string, string> {
  return settingsAsEnv(emulatorSettings(emulator, timeScale));
}
