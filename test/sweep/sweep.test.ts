/**
 * InvestigationSweep as a component, with Pulumi's mocks standing in for the engine: one child
 * per selected machine with stable names and the shared settings, counts and the table built
 * from the children's outputs, and the lookup's failures surfacing as the sweep's.
 */
import * as pulumi from "@pulumi/pulumi";
import { InvestigationSweep } from "../../provider/sweep/sweep";
import type { SelectedMachine } from "../../provider/sweep/select";
import { collectionName, countByStatus, parallelismAdvice } from "../../provider/sweep/summary";

const COLLECTION_TYPE = "pulumi-nodejs:dynamic/mde:InvestigationPackageCollection";
const id = (n: number) => n.toString(16).padStart(40, "0");
const selected = (n: number): SelectedMachine => ({ machineId: id(n), computerDnsName: `host-${n}.contoso.local`, osPlatform: "Linux", healthStatus: "Active" });

const created: pulumi.runtime.MockResourceArgs[] = [];
/** The status each machine's collection ends in, by machine id. */
const outcome = new Map<string, string>();

beforeAll(() => {
  // pulumi.log.info goes to console.log under mocks ("3 machine(s) selected by ...").
  jest.spyOn(console, "log").mockImplementation(() => undefined);
  pulumi.runtime.setMocks(
    {
      newResource(args) {
        created.push(args);
        if (args.type !== COLLECTION_TYPE) return { id: `${args.name}-id`, state: args.inputs };
        const status = outcome.get(args.inputs.machineId) ?? "Succeeded";
        return {
          id: `action-${args.inputs.machineId.slice(-4)}`,
          state: {
            ...args.inputs,
            actionId: `action-${args.inputs.machineId.slice(-4)}`,
            status,
            adopted: args.inputs.machineId === id(3),
            computerDnsName: null,
            packageSha256: status === "Succeeded" ? "ab".repeat(32) : undefined,
          },
        };
      },
      call: () => ({}),
    },
    "project",
    "stack",
    false,
  );
});

const value = <T>(o: pulumi.Output<T>) => new Promise<T>((resolve) => o.apply(resolve));

describe("InvestigationSweep", () => {
  it("creates one collection per machine under the sweep, named by machine id, with the shared settings", async () => {
    outcome.set(id(2), "Failed");
    const sweep = new InvestigationSweep(
      "inc-7",
      { select: { tag: "finance" }, comment: "INC-7: triage", evidenceDirectory: "/evidence/inc-7", timeoutMinutes: 90 },
      { lookup: async (select) => (select.tag === "finance" ? [selected(1), selected(2), selected(3)] : []) },
    );
    const machines = await value(sweep.machines);
    const children = created.filter((c) => c.type === COLLECTION_TYPE);
    expect(children.map((c) => c.name)).toEqual([1, 2, 3].map((n) => `inc-7-${id(n)}`));
    for (const c of children) {
      expect(c.inputs).toMatchObject({ comment: "INC-7: triage", evidenceDirectory: "/evidence/inc-7", timeoutMinutes: 90 });
      expect(c.inputs.computerDnsName).toBeUndefined();
    }
    expect(machines[0]).toEqual({
      machineId: id(1),
      computerDnsName: "host-1.contoso.local",
      resourceName: `inc-7-${id(1)}`,
      actionId: "action-0001",
      status: "Succeeded",
      adopted: false,
      packageSha256: "ab".repeat(32),
      packagePath: null,
      packageSizeBytes: null,
    });
    expect(machines[2]).toMatchObject({ adopted: true });
    expect(await value(sweep.counts)).toEqual({ total: 3, Pending: 0, InProgress: 0, Succeeded: 2, Failed: 1, TimeOut: 0, Cancelled: 0 });
    expect(await value(sweep.selected)).toEqual([selected(1), selected(2), selected(3)]);
    expect((await sweep.collections).length).toBe(3);
  });

  it("rejects a malformed selector at once, before any lookup", () => {
    const lookup = jest.fn();
    expect(() => new InvestigationSweep("bad", { select: { tag: "a", filter: "b" } as never, comment: "x" }, { lookup })).toThrow(
      "select must set exactly one of machineIds, computerDnsNames, tag, filter (got tag and filter)",
    );
    expect(lookup).not.toHaveBeenCalled();
  });

  it("hands the selector and maxMachines to the lookup", async () => {
    // A failing lookup fails the program with the sweep's name (test/sweep/engine.test.ts).
    const lookup = jest.fn(async () => [selected(9)]);
    const sweep = new InvestigationSweep("small", { select: { machineIds: [id(9)] }, comment: "x", maxMachines: 5 }, { lookup });
    expect(await value(sweep.counts)).toMatchObject({ total: 1, Succeeded: 1 });
    expect(lookup).toHaveBeenCalledWith({ machineIds: [id(9)] }, { maxMachines: 5 });
  });
});

describe("sweep summaries", () => {
  it("counts every status, zero included, and ignores unknown ones in the per-status counts", () => {
    expect(countByStatus([{ status: "Succeeded" }, { status: "TimeOut" }, { status: "Succeeded" }, { status: "Weird" }])).toEqual({
      total: 4, Pending: 0, InProgress: 0, Succeeded: 2, Failed: 0, TimeOut: 1, Cancelled: 0,
    });
    expect(countByStatus([])).toMatchObject({ total: 0, Succeeded: 0 });
  });

  it("names children by sweep and lower-case machine id", () => {
    expect(collectionName("inc-7", "ABCDEF0123456789ABCDEF0123456789ABCDEF01")).toBe("inc-7-abcdef0123456789abcdef0123456789abcdef01");
  });

  it("advises raising --parallel only when the engine would pace the sweep", () => {
    expect(parallelismAdvice(3, 8)).toBeUndefined();
    expect(parallelismAdvice(100, undefined)).toBeUndefined();
    expect(parallelismAdvice(100, 100)).toBeUndefined();
    expect(parallelismAdvice(100, 8)).toBe(
      "100 machines, but Pulumi runs 8 resource operations at a time and each collection holds one while it waits: " +
        "collections would start 8 at a time instead of at the API's 100 a minute. Run `pulumi up --parallel 100` (or more)",
    );
  });
});
