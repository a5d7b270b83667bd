/**
 * A scripted `listMachineActions` for virtual-time tests: each call is recorded with its time and
 * the values its OData filter names for `field` (`<field> eq '<value>'`), kept under `key`, and
 * answered by `answer` from those values (a throw becomes the call's rejection).
 */
import type { ListQuery } from "../../provider/resource/collectionApi";
import type { MachineAction } from "../../provider/api/schemas";
import type { FakeClock } from "./fakeClock";

export function fakeListEndpoint<K extends string>(clock: FakeClock, field: "id" | "machineId", key: K, answer: (values: string[]) => MachineAction[]) {
  type Call = { at: number } & Record<K, string[]>;
  const calls: Call[] = [];
  const pattern = new RegExp(`${field} eq '([^']+)'`, "g");
  return {
    calls,
    async listMachineActions(q: ListQuery): Promise<MachineAction[]> {
      const values = [...(q.filter ?? "").matchAll(pattern)].map((m) => m[1]);
      calls.push({ at: clock.now(), [key]: values } as Call);
      return answer(values);
    },
  };
}
