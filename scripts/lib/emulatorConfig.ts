import type { EmulatorHandle } from "../../emulator";
import type { StackConfigValue } from "./stackRunner";

/**
 * The `mde:*` stack config that points a program at an emulator: its API and authority, its
 * default application (the secret as a Pulumi secret), and the time scale its clock runs at, so
 * the provider's quotas, polling and deadlines follow it.
 */
export function emulatorStackConfig(
  emulator: Pick<EmulatorHandle, "apiUrl" | "authorityHost" | "tenantId" | "clientId" | "clientSecret">,
  timeScale: number,
): Record<string, StackConfigValue> {
  return {
    "mde:apiUrl": { value: emulator.apiUrl },
    "mde:authorityHost": { value: emulator.authorityHost },
    "mde:tenantId": { value: emulator.tenantId },
    "mde:clientId": { value: emulator.clientId },
    "mde:clientSecret": { value: emulator.clientSecret, secret: true },
    "mde:rateLimits": { value: JSON.stringify({ timeScale }) },
  };
}
