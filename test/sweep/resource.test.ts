/**
 * The program side of InvestigationSweep under Pulumi's mocks: one resource for the fleet, the
 * lookup's ids as its input, a malformed selector refused, the lookup's warnings passed on.
 */
import * as pulumi from "@pulumi/pulumi";
import { InvestigationSweep } from "../../provider/sweep/resource";
import type { SelectedMachine } from "../../provider/sweep/select";
import { id } from "./helpers";

describe("InvestigationSweep in a program", () => {
  const registered: pulumi.runtime.MockResourceArgs[] = [];
  const warnings: string[] = [];
  const selected = (n: number): SelectedMachine => ({ machineId: id(n), computerDnsName: `host-${n}.contoso.local`, osPlatform: "Linux", healthStatus: "Active" });

  beforeAll(() => {
    jest.spyOn(console, "log").mockImplementation(() => undefined);
    jest.spyOn(console, "warn").mockImplementation((m: string) => void warnings.push(m));
    jest.spyOn(console, "error").mockImplementation((m: string) => void warnings.push(m));
    pulumi.runtime.setMocks(
      { newResource: (args) => (registered.push(args), { id: `${args.name}-id`, state: args.inputs }), call: () => ({}) },
      "project",
      "stack",
      false,
    );
  });

  it("registers ONE resource for the whole fleet, with the looked-up machines by id and name and the shared settings", async () => {
    const sweep = new InvestigationSweep(
      "inc-7",
      { select: { tag: "finance" }, comment: "INC-7: triage", timeoutMinutes: 90, maxMachines: 50 },
      { lookup: async (select, o) => (select.tag === "finance" && o.maxMachines === 50 ? [selected(1), selected(2), selected(3)] : []) },
    );
    expect(await new Promise((r) => sweep.selected.apply(r))).toEqual([selected(1), selected(2), selected(3)]);
    await new Promise((r) => sweep.urn.apply(r));
    const sweeps = registered.filter((r) => r.type === "pulumi-nodejs:dynamic/mde:InvestigationSweep");
    expect(sweeps).toHaveLength(1);
    expect(registered.filter((r) => r.name !== "inc-7" && r.type.includes("InvestigationPackageCollection"))).toEqual([]);
    expect(sweeps[0].inputs).toMatchObject({ sweepName: "inc-7", selection: "tag 'finance'", devices: { [id(1)]: "host-1.contoso.local", [id(2)]: "host-2.contoso.local", [id(3)]: "host-3.contoso.local" }, comment: "INC-7: triage", timeoutMinutes: 90, maxMachines: 50 });
  });

  it("rejects a malformed selector at once, before any lookup", () => {
    const lookup = jest.fn();
    expect(() => new InvestigationSweep("bad", { select: { tag: "a", filter: "b" } as never, comment: "x" }, { lookup })).toThrow(
      "InvestigationSweep 'bad': select must set exactly one of machineIds, computerDnsNames, tag, filter (got tag and filter). To switch selectors, set the whole selector",
    );
    // A RunError: Pulumi shows the message without a stack trace.
    expect(() => new InvestigationSweep("bad", { select: { tag: "a", filter: "b" } as never, comment: "x" }, { lookup })).toThrow(pulumi.RunError);
    expect(lookup).not.toHaveBeenCalled();
  });

  it("passes the lookup's warnings on, naming the sweep", async () => {
    const sweep = new InvestigationSweep("dup", { select: { machineIds: [id(9), id(9).toUpperCase()] }, comment: "x" }, {
      lookup: async (_s, o) => {
        o.onWarning?.("'A' and 'a' name the same machine id (a): it is collected once");
        return [selected(9)];
      },
    });
    await new Promise((r) => sweep.selected.apply(r));
    expect(warnings.some((w) => w.includes("InvestigationSweep 'dup': 'A' and 'a' name the same machine id (a): it is collected once"))).toBe(true);
  });
});
