/**
 * Turns store records into the JSON MDE sends, and checks every reply against the shared wire
 * schemas in provider/api/schemas.ts before it leaves: the schema must accept it, and every field
 * the schema names must be present (alias spellings excepted), so the emulator cannot drift from
 * what the client parses without a test failing.
 */
import type { z } from "zod";
import { MachineActionWireSchema, MachineWireSchema, odataListSchema, PackageUriSchema } from "../../provider/api/schemas";
import { ForensicsError } from "../../provider/util/error";
import { wireTime } from "../util/ids";
import type { ActionState } from "../persistence/lifecycle";
import type { MachineRecord, StoredAction } from "../persistence/store";

/** Spellings the schema accepts for other sources; the emulator sends the real-response ones. */
const ALIASES = new Set(["lastUpdateTimeUtc", "externalID"]);

/** Parses `body` with `schema` and insists on every declared field; throws on mismatch. */
export function validated<T>(schema: z.ZodType, body: T, what: string): T {
  const result = schema.safeParse(body);
  if (!result.success) throw new ForensicsError(`emulator reply (${what}) violates the wire schema: ${result.error.message}`);
  const shape = (schema as unknown as { shape?: Record<string, unknown> }).shape;
  if (shape && body && typeof body === "object") {
    const missing = Object.keys(shape).filter((k) => !ALIASES.has(k) && !(k in (body as object)));
    if (missing.length > 0) throw new ForensicsError(`emulator reply (${what}) lacks fields of the wire schema: ${missing.join(", ")}`);
  }
  return body;
}

const context = (baseUrl: string, what: string) => `${baseUrl}/api/$metadata#${what}`;

export function actionJson(a: StoredAction, s: ActionState): Record<string, unknown> {
  return validated(MachineActionWireSchema, {
    id: a.id,
    type: a.type,
    title: null,
    requestor: a.requestor,
    requestorComment: a.requestorComment,
    status: s.status,
    machineId: a.machineId,
    computerDnsName: a.computerDnsName,
    creationDateTimeUtc: wireTime(a.createdMs),
    lastUpdateDateTimeUtc: wireTime(s.lastUpdateMs),
    cancellationRequestor: a.cancellation && s.status === "Cancelled" ? a.cancellation.requestor : null,
    cancellationComment: a.cancellation && s.status === "Cancelled" ? a.cancellation.comment : null,
    cancellationDateTimeUtc: a.cancellation && s.status === "Cancelled" ? wireTime(a.cancellation.atMs) : null,
    errorHResult: s.errorHResult,
    scope: null,
    externalId: null,
    requestSource: "PublicApi",
    relatedFileInfo: null,
    commands: [],
    troubleshootInfo: null,
  }, "MachineAction");
}

export function actionEntity(baseUrl: string, a: StoredAction, s: ActionState): Record<string, unknown> {
  return { "@odata.context": `${context(baseUrl, "MachineActions")}/$entity`, ...actionJson(a, s) };
}

const VERSIONS: Record<string, { version: string; osBuild: number }> = {
  Windows10: { version: "22H2", osBuild: 19045 },
  Windows11: { version: "23H2", osBuild: 22631 },
  WindowsServer2019: { version: "1809", osBuild: 17763 },
  WindowsServer2022: { version: "21H2", osBuild: 20348 },
  Linux: { version: "22.04", osBuild: 0 },
  macOS: { version: "14.5", osBuild: 0 },
};

export function machineJson(m: MachineRecord): Record<string, unknown> {
  const v = VERSIONS[m.osPlatform];
  const ip = m.lastIpAddress ?? "10.0.0.10";
  return validated(MachineWireSchema, {
    id: m.id,
    computerDnsName: m.computerDnsName,
    firstSeen: wireTime(m.firstSeenMs),
    lastSeen: wireTime(m.lastSeenMs),
    osPlatform: m.osPlatform,
    osVersion: null,
    osProcessor: "x64",
    version: v.version,
    lastIpAddress: ip,
    lastExternalIpAddress: "203.0.113.10",
    agentVersion: "10.8760.22621.1001",
    osBuild: v.osBuild || null,
    healthStatus: m.healthStatus,
    deviceValue: "Normal",
    rbacGroupId: 0,
    rbacGroupName: "UnassignedGroup",
    riskScore: m.riskScore,
    exposureLevel: m.exposureLevel,
    isAadJoined: false,
    aadDeviceId: null,
    machineTags: m.machineTags,
    defenderAvStatus: "Updated",
    onboardingStatus: "Onboarded",
    osArchitecture: "64-bit",
    managedBy: "MicrosoftDefenderForEndpoint",
    managedByStatus: "Success",
    ipAddresses: [{ ipAddress: ip, macAddress: "00155D000001", type: "Ethernet", operationalStatus: "Up" }],
    vmMetadata: null,
  }, "Machine");
}

export function machineEntity(baseUrl: string, m: MachineRecord): Record<string, unknown> {
  return { "@odata.context": `${context(baseUrl, "Machines")}/$entity`, ...machineJson(m) };
}

/** An OData collection: `{"@odata.context": ".../$metadata#<set>", "value": [...]}`. */
export function list(baseUrl: string, set: "Machines" | "MachineActions", items: unknown[]): Record<string, unknown> {
  const body = { "@odata.context": context(baseUrl, set), value: items };
  const result = odataListSchema(set === "Machines" ? MachineWireSchema : MachineActionWireSchema).safeParse(body);
  if (!result.success) throw new ForensicsError(`emulator reply (${set} list) violates the wire schema: ${result.error.message}`);
  return body;
}

export function packageUriJson(baseUrl: string, url: string): Record<string, unknown> {
  return validated(PackageUriSchema, { "@odata.context": context(baseUrl, "Edm.String"), value: url }, "PackageUri");
}
