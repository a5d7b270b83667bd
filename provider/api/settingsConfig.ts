/**
 * Settings as the `mde:*` stack config that resolveSettings reads back, credentials marked
 * secret: the inverse of its stack-config lookup (and as the environment variables it reads). The provider never writes stack config; the
 * scripts, tests and benchmark that point a program at an emulator do, and they all go through
 * this, so the keys and which of them are secret have one home (settingsSchema.ts).
 */
import { SECRET_SETTINGS, SETTING_KEYS, type SettingName, stackConfigKey } from "./settingsSchema";

/** A stack-config value as Pulumi's Automation API takes it (`secret`: encrypted in the stack file). */
export interface SettingConfigValue {
  value: string;
  secret?: boolean;
}

/** `{ apiUrl: "https://…" }` → `{ "mde:apiUrl": { value: "https://…" } }`; undefined settings are left out. */
export function settingsAsStackConfig(values: Partial<Record<SettingName, string>>): Record<string, SettingConfigValue> {
  const config: Record<string, SettingConfigValue> = {};
  for (const [name, value] of Object.entries(values) as [SettingName, string | undefined][]) {
    if (value !== undefined) config[stackConfigKey(name)] = SECRET_SETTINGS.has(name) ? { value, secret: true } : { value };
  }
  return config;
}

/** `{ apiUrl: "https://…" }` → `{ MDE_API_URL: "https://…" }`: the same settings as a child process's environment reads them. */
export function settingsAsEnv(values: Partial<Record<SettingName, string>>): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(values) as [SettingName, string | undefined][]) {
    if (value !== undefined) env[SETTING_KEYS[name].env] = value;
  }
  return env;
}
