/** The sweep's summary line: printed when counts change, at most every 10 s, and once at the end. */
import { SweepProgress } from "../../provider/sweep/progress";
import { FakeClock } from "../helpers/fakeClock";
import { id } from "./helpers";

describe("progress", () => {
  it("prints one summary line when counts change, at most every 10 s, and the last one at the end", async () => {
    const clock = new FakeClock();
    const lines: string[] = [];
    const initial = Array.from({ length: 1000 }, (_, i): [string, "queued"] => [id(i), "queued"]);
    const p = new SweepProgress({ sweepName: "inc-2041", clock, log: (l) => lines.push(l), nextCollectSlotMs: () => 11_200 }, initial);
    expect(lines).toEqual([]);
    p.set(id(0), "running");
    expect(lines).toEqual(["sweep inc-2041: 0/1000 Succeeded, 1 running, 999 to request; collect quota: next slot in 12 s"]);
    for (let i = 0; i < 640; i++) p.set(id(i), "Succeeded");
    for (let i = 640; i < 652; i++) p.set(id(i), "Failed");
    for (let i = 652; i < 1000; i++) p.set(id(i), "running");
    expect(lines).toHaveLength(1);
    await clock.advance(10_000);
    expect(lines).toEqual([lines[0], "sweep inc-2041: 640/1000 Succeeded, 12 Failed, 348 running"]);
    for (let i = 652; i < 1000; i++) p.set(id(i), "Succeeded");
    p.finish();
    expect(lines.at(-1)).toBe("sweep inc-2041: 988/1000 Succeeded, 12 Failed");
    expect(lines).toHaveLength(3);
  });
});
