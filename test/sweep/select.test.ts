/**
 * Machine selection: the selector rules and messages on a scripted directory, then the real
 * MdeClient against the emulator, so the OData filters the lookup sends are ones MDE accepts.
 */
import type { AccessToken, TokenCredential } from "@azure/identity";
import { MdeClient } from "../../provider/api/client";
import type { Machine } from "../../provider/api/schemas";
import { resolveSettings } from "../../provider/api/settings";
import type { ListQuery } from "../../provider/api/collectionApi";
import { describeSelector, LOOKUP_CHUNK_SIZE, type MachineDirectory, MachineSelectionError, selectMachines } from "../../provider/sweep/select";
import { defaultScenario, generateFleet } from "../../emulator";
import { startHarness } from "../emulator/harness";

const machine = (n: number, name = `host-${n}.contoso.local`): Machine => ({
  id: n.toString(16).padStart(40, "0"),
  computerDnsName: name,
  osPlatform: "Windows11",
  healthStatus: "Active",
  onboardingStatus: "Onboarded",
  lastSeen: null,
  machineTags: [],
});

/** A directory that answers `id eq`/`computerDnsName eq` filters from `machines` and records every query. */
function directory(machines: Machine[]) {
  const queries: ListQuery[] = [];
  const tags: string[] = [];
  const dir: MachineDirectory = {
    async listMachines(q) {
      queries.push(q);
      const ids = [...(q.filter ?? "").matchAll(/\bid eq '([^']+)'/g)].map((m) => m[1]);
      const names = [...(q.filter ?? "").matchAll(/computerDnsName eq '([^']+)'/g)].map((m) => m[1]);
      if (ids.length > 0) return machines.filter((m) => ids.includes(m.id));
      if (names.length > 0) return machines.filter((m) => names.includes((m.computerDnsName ?? "").toLowerCase()));
      return machines;
    },
    async findMachinesByTag(tag) {
      tags.push(tag);
      return machines.filter((m) => m.machineTags.includes(tag));
    },
  };
  return { dir, queries, tags };
}

describe("describeSelector", () => {
  it("accepts exactly one selector and names it", () => {
    expect(describeSelector({ tag: "finance" })).toBe("tag 'finance'");
    expect(describeSelector({ machineIds: [machine(1).id, machine(2).id] })).toBe("2 machine ids");
    expect(describeSelector({ computerDnsNames: ["a.contoso.local"] })).toBe("1 device name");
    expect(describeSelector({ filter: "riskScore eq 'High'" })).toBe(`filter "riskScore eq 'High'"`);
  });

  it.each([
    [{}, "select must set exactly one of machineIds, computerDnsNames, tag, filter"],
    [{ tag: "a", filter: "b" }, "(got tag and filter)"],
    [{ machineIds: [] }, "select.machineIds must be a non-empty list"],
    [{ machineIds: ["not-an-id"] }, "'not-an-id' is not a machine id (40 hexadecimal characters)"],
    [{ computerDnsNames: [" "] }, "select.computerDnsNames must be a non-empty list of non-empty strings"],
    [{ tag: "" }, "select.tag must be a non-empty string"],
  ])("rejects %j", (select, message) => {
    expect(() => describeSelector(select)).toThrow(MachineSelectionError);
    expect(() => describeSelector(select)).toThrow(message);
  });
});

describe("selectMachines", () => {
  it("resolves ids in list calls of at most 40 clauses, deduplicated and sorted by id", async () => {
    const fleet = Array.from({ length: 90 }, (_, i) => machine(i + 1));
    const { dir, queries } = directory(fleet);
    const wanted = [...fleet].reverse().map((m) => m.id.toUpperCase());
    const selected = await selectMachines(dir, { machineIds: [...wanted, wanted[0]] });
    expect(selected.map((m) => m.machineId)).toEqual(fleet.map((m) => m.id));
    expect(queries.map((q) => (q.filter!.match(/ or /g)?.length ?? 0) + 1)).toEqual([LOOKUP_CHUNK_SIZE, LOOKUP_CHUNK_SIZE, 10]);
    expect(selected[0]).toEqual({ machineId: fleet[0].id, computerDnsName: "host-1.contoso.local", osPlatform: "Windows11", healthStatus: "Active" });
  });

  it("names every machine id that does not exist", async () => {
    const { dir } = directory([machine(1)]);
    await expect(selectMachines(dir, { machineIds: [machine(1).id, machine(7).id, machine(8).id] })).rejects.toThrow(
      `2 of 3 machine ids are not in Defender for Endpoint: ${machine(7).id}, ${machine(8).id}`,
    );
  });

  it("needs every device name to match exactly one device, and says which do not", async () => {
    const { dir } = directory([machine(1, "ws-1.contoso.local"), machine(2, "twin.contoso.local"), machine(3, "twin.contoso.local")]);
    await expect(selectMachines(dir, { computerDnsNames: ["WS-1.contoso.local"] })).resolves.toMatchObject([{ machineId: machine(1).id }]);
    const err = await selectMachines(dir, { computerDnsNames: ["ws-1.contoso.local", "gone.contoso.local", "twin.contoso.local"] }).catch((e) => e);
    expect(err).toBeInstanceOf(MachineSelectionError);
    expect(err.message).toContain("no device is named 'gone.contoso.local'");
    expect(err.message).toContain(`2 devices are named 'twin.contoso.local' (${machine(2).id}, ${machine(3).id}): select it by machine id`);
  });

  it("selects by tag and by filter through the matching MDE calls", async () => {
    const tagged = { ...machine(5), machineTags: ["finance"] };
    const { dir, tags, queries } = directory([machine(4), tagged]);
    await expect(selectMachines(dir, { tag: " finance " })).resolves.toMatchObject([{ machineId: tagged.id }]);
    expect(tags).toEqual(["finance"]);
    await expect(selectMachines(dir, { filter: "healthStatus eq 'Active'" })).resolves.toHaveLength(2);
    expect(queries).toEqual([{ filter: "healthStatus eq 'Active'" }]);
  });

  it("refuses an empty selection rather than removing the sweep's collections", async () => {
    const { dir } = directory([machine(1)]);
    await expect(selectMachines(dir, { tag: "nobody" })).rejects.toThrow(
      "tag 'nobody' selects no device in Defender for Endpoint. A sweep never selects nothing",
    );
  });

  it("refuses more than maxMachines", async () => {
    const { dir } = directory(Array.from({ length: 5 }, (_, i) => machine(i + 1)));
    await expect(selectMachines(dir, { filter: "x eq 1" }, { maxMachines: 4 })).rejects.toThrow(
      `filter "x eq 1" selects 5 devices, more than maxMachines (4); narrow the selection or raise maxMachines deliberately`,
    );
    await expect(selectMachines(dir, { filter: "x eq 1" }, { maxMachines: 5 })).resolves.toHaveLength(5);
  });
});

describe("selectMachines: lists checked before any call", () => {
  it("refuses an explicit list of more machines than maxMachines without a lookup", async () => {
    const { dir, queries } = directory([machine(1), machine(2), machine(3)]);
    await expect(selectMachines(dir, { machineIds: [1, 2, 3].map((n) => machine(n).id) }, { maxMachines: 2 })).rejects.toThrow(
      "select.machineIds names 3 devices, more than maxMachines (2); narrow the selection or raise maxMachines deliberately",
    );
    expect(queries).toEqual([]);
  });

  it("resolves a machine named twice to one, with a warning naming both spellings", async () => {
    const { dir } = directory([machine(1, "ws-1.contoso.local"), machine(2, "ws-2.contoso.local")]);
    const warnings: string[] = [];
    const selected = await selectMachines(dir, { computerDnsNames: ["WS-1.contoso.local", "ws-1.contoso.local.", "ws-2.contoso.local"] }, { onWarning: (w) => warnings.push(w) });
    expect(selected.map((m) => m.machineId)).toEqual([machine(1).id, machine(2).id]);
    expect(warnings).toEqual(["'WS-1.contoso.local' and 'ws-1.contoso.local.' name the same device name (ws-1.contoso.local): it is collected once"]);
  });
});

describe("selectMachines with the real client against the emulator", () => {
  const fleet = generateFleet(50, "select-test");
  let harness: Awaited<ReturnType<typeof startHarness>>;
  let client: MdeClient;

  beforeAll(async () => {
    harness = await startHarness({ scenario: { ...defaultScenario(), machines: fleet, actions: [] } });
    const credential: TokenCredential = { getToken: async (): Promise<AccessToken> => ({ token: await harness.token(), expiresOnTimestamp: Date.now() + 50 * 60_000 }) };
    const settings = resolveSettings({ env: { MDE_API_URL: harness.emu.apiUrl, AZURE_TENANT_ID: harness.emu.tenantId, AZURE_CLIENT_ID: harness.emu.clientId, AZURE_CLIENT_SECRET: "x" } });
    client = new MdeClient(settings, { credential, dispatcher: harness.agent });
  });
  afterAll(async () => {
    await client.close();
    await harness.close();
  });

  const sortedIds = (ms: { id: string }[]) => ms.map((m) => m.id).sort();

  it("selects 45 machines by id (two list calls) and 3 by name", async () => {
    const ids = fleet.slice(0, 45).map((m) => m.id);
    expect((await selectMachines(client, { machineIds: ids })).map((m) => m.machineId)).toEqual([...ids].sort());
    const names = fleet.slice(10, 13).map((m) => m.computerDnsName.toUpperCase());
    expect((await selectMachines(client, { computerDnsNames: names })).map((m) => m.machineId)).toEqual(sortedIds(fleet.slice(10, 13)));
  });

  it("selects by tag (findbytag) and by OData filter", async () => {
    const ring2 = fleet.filter((_, i) => i % 4 === 2);
    expect((await selectMachines(client, { tag: "ring-2" })).map((m) => m.machineId)).toEqual(sortedIds(ring2));
    const linux = fleet.filter((m) => m.osPlatform === "Linux");
    expect((await selectMachines(client, { filter: "osPlatform eq 'Linux'" })).map((m) => m.machineId)).toEqual(sortedIds(linux));
    await expect(selectMachines(client, { filter: "osPlatform eq" })).rejects.toThrow(/400|query specified in the URI is not valid/);
  });
});
