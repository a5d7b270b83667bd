/**
 * The scenario served when none is given: enough variety for the demo and for client tests to
 * meet every lifecycle (success, failure, timeout, an already-running collection, a finished
 * one whose package can be fetched at once) without writing a file first.
 * The credentials are public on purpose: they only open this emulator.
 */
import type { ScenarioInput } from "./scenarioSchema";

export const DEFAULT_TENANT_ID = "6f1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d";
/** The default application: Machine.CollectForensics + Machine.Read.All. */
export const DEFAULT_CLIENT_ID = "3f2c1a0e-5b6d-4c7e-8f90-a1b2c3d4e5f6";
export const DEFAULT_CLIENT_SECRET = "emulator-secret-not-for-production";
/** A second app holding only Machine.Read.All: cannot collect. */
export const READER_CLIENT_ID = "4b3c2d1e-6f70-4182-93a4-b5c6d7e8f901";
/** A third app holding only Machine.Isolate: cannot read, may cancel. */
export const ISOLATOR_CLIENT_ID = "5c4d3e2f-7081-4293-a4b5-c6d7e8f90a12";

/** Machine ids of the default scenario, by role in the story. */
export const DEFAULT_MACHINES = {
  win11: "d773293817cce4c85b3a73d0f8d159864b92e87f",
  linux: "a9ba5f2446bade3e9642f9e4fe890fd46616a521",
  busy: "7403ae8fe5671dee7bbf4f32a4e7a281e6bad651",
  offline: "2466af9a5c2b696807e6021485822bda1d7c0f97",
  failing: "d88adb21bdbc4f2254f832fa27ae9d277cb40a90",
  mac: "6c9e37a18c454f86b21b9ad003aa34ff679b647b",
  win11b: "80df8eba4503e3c33266a8db8ea978fb91e8cb18",
  done: "83d6edd165880a5edd482c0fe15a4280f639ef22",
} as const;

/** Fixed ids of the pre-seeded actions, so docs and tests can name them. */
export const DEFAULT_ACTIONS = {
  /** InProgress on `busy` for about an hour of emulated time after the first start. */
  running: "0a1b2c3d-4e5f-4061-8273-8495a6b7c8d9",
  /** Succeeded on `done`: GetPackageUri works at once. */
  succeeded: "1b2c3d4e-5f60-4172-8384-95a6b7c8d9ea",
} as const;

export function defaultScenario(): ScenarioInput {
  const m = DEFAULT_MACHINES;
  return {
    name: "default",
    tenants: [{ id: DEFAULT_TENANT_ID, displayName: "Contoso (emulated)" }],
    apps: [
      {
        clientId: DEFAULT_CLIENT_ID,
        clientSecret: DEFAULT_CLIENT_SECRET,
        displayName: "IR Automation",
        roles: ["Machine.CollectForensics", "Machine.Read.All"],
      },
      { clientId: READER_CLIENT_ID, clientSecret: DEFAULT_CLIENT_SECRET, displayName: "Fleet Reporter", roles: ["Machine.Read.All"] },
      { clientId: ISOLATOR_CLIENT_ID, clientSecret: DEFAULT_CLIENT_SECRET, displayName: "Isolation Bot", roles: ["Machine.Isolate"] },
    ],
    machines: [
      { id: m.win11, computerDnsName: "win11-ws01.contoso.local", osPlatform: "Windows11", behavior: "online", machineTags: ["finance"], lastIpAddress: "10.0.1.11" },
      { id: m.linux, computerDnsName: "lnx-srv01.contoso.local", osPlatform: "Linux", behavior: "online", machineTags: ["linux-servers", "prod"], lastIpAddress: "10.0.2.21" },
      { id: m.busy, computerDnsName: "win10-busy01.contoso.local", osPlatform: "Windows10", behavior: "slow", lastIpAddress: "10.0.1.31" },
      {
        id: m.offline,
        computerDnsName: "win11-offline01.contoso.local",
        osPlatform: "Windows11",
        healthStatus: "Inactive",
        behavior: "offline",
        lastSeenHoursAgo: 120,
        lastIpAddress: "10.0.1.41",
      },
      { id: m.failing, computerDnsName: "winsrv-fail01.contoso.local", osPlatform: "WindowsServer2022", behavior: "failing", machineTags: ["prod"], lastIpAddress: "10.0.3.51" },
      { id: m.mac, computerDnsName: "mac-ws01.contoso.local", osPlatform: "macOS", behavior: "online", machineTags: ["finance", "vip"], lastIpAddress: "10.0.1.61" },
      { id: m.win11b, computerDnsName: "win11-ws02.contoso.local", osPlatform: "Windows11", behavior: "online", machineTags: ["finance", "vip"], riskScore: "High", lastIpAddress: "10.0.1.71" },
      { id: m.done, computerDnsName: "win11-done01.contoso.local", osPlatform: "Windows11", behavior: "online", lastIpAddress: "10.0.1.81" },
    ],
    actions: [
      {
        id: DEFAULT_ACTIONS.running,
        machine: m.busy,
        createdMinutesAgo: 3,
        comment: "Collection started from the portal during triage",
        requestor: "analyst@contoso.local",
        params: { pendingSeconds: 60, inProgressSeconds: 3600 },
      },
      {
        id: DEFAULT_ACTIONS.succeeded,
        machine: m.done,
        createdMinutesAgo: 120,
        comment: "Collected yesterday for case 4711",
        requestor: "IR Automation",
      },
    ],
    switches: { duplicateCollection: "reject" },
  };
}
