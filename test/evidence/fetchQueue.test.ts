/**
 * Package fetches run one at a time per process: a link is issued only when the previous
 * package is on disk, so two collections never race for the 2/min GetPackageUri budget and no
 * link waits in line while another download runs.
 */
import { SerialQueue, sharedFetchQueue } from "../../provider/evidence/fetchQueue";
import { ACTION_ID, ACTION_ID_2, buildZip, sha256, succeededOutputs } from "./helpers/fixtures";
import { harness } from "./helpers/harness";

function deferred(): { promise: Promise<void>; resolve(): void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

describe("SerialQueue", () => {
  it("runs jobs one at a time in the order they were queued", async () => {
    const q = new SerialQueue();
    const order: string[] = [];
    const gates = [deferred(), deferred(), deferred()];
    const jobs = gates.map((g, i) =>
      q.run(async () => {
        order.push(`start ${i}`);
        await g.promise;
        order.push(`end ${i}`);
        return i;
      }),
    );
    await new Promise((r) => setImmediate(r));
    expect(order).toEqual(["start 0"]);
    expect(q.size).toBe(3);
    gates[2].resolve();
    gates[1].resolve();
    await new Promise((r) => setImmediate(r));
    expect(order).toEqual(["start 0"]);
    gates[0].resolve();
    expect(await Promise.all(jobs)).toEqual([0, 1, 2]);
    expect(order).toEqual(["start 0", "end 0", "start 1", "end 1", "start 2", "end 2"]);
  });

  it("goes on after a failed job, and passes the failure to that job's caller only", async () => {
    const q = new SerialQueue();
    const failed = q.run(async () => {
      throw new Error("boom");
    });
    const next = q.run(async () => "fine");
    await expect(failed).rejects.toThrow("boom");
    await expect(next).resolves.toBe("fine");
  });

  it("is one instance per process, whichever copy of the module asks", async () => {
    expect(sharedFetchQueue()).toBe(sharedFetchQueue());
    let isolated!: typeof import("../../provider/evidence/fetchQueue");
    jest.isolateModules(() => {
      isolated = require("../../provider/evidence/fetchQueue");
    });
    expect(isolated.sharedFetchQueue()).toBe(sharedFetchQueue());
  });
});

describe("evidence handler: concurrent collections", () => {
  it("issues the second link only after the first package has been downloaded", async () => {
    const h = await harness();
    try {
      const [a, b] = [await buildZip(512 * 1024, "a"), await buildZip(512 * 1024, "b")];
      h.storage.packages.set(ACTION_ID, a);
      h.storage.packages.set(ACTION_ID_2, b);
      h.storage.delayMs = 150;
      const [outA, outB] = await Promise.all([
        h.handler.fetch(succeededOutputs(h.dir), { adopted: false }),
        h.another().fetch(succeededOutputs(h.dir, { actionId: ACTION_ID_2 }), { adopted: false }),
      ]);

      expect([outA.packageSha256, outB.packageSha256]).toEqual([sha256(a), sha256(b)]);
      // Which collection reaches the queue first depends on file I/O before it; the two never interleave.
      const first = h.api.calls[0].actionId;
      const second = first === ACTION_ID ? ACTION_ID_2 : ACTION_ID;
      expect(h.storage.events).toEqual([`issued:${first}`, `start:${first}`, `end:${first}`, `issued:${second}`, `start:${second}`, `end:${second}`]);
      expect(h.api.calls.map((c) => c.actionId).sort()).toEqual([ACTION_ID, ACTION_ID_2].sort());
    } finally {
      await h.close();
    }
  });

  it("(control) without the queue, the same two fetches would hold two links at once", async () => {
    const h = await harness({ queue: { run: (job) => job(), shared: async (_key, job) => ({ value: await job(), joined: false }), size: 0 } });
    try {
      h.storage.packages.set(ACTION_ID, await buildZip(512 * 1024, "a"));
      h.storage.packages.set(ACTION_ID_2, await buildZip(512 * 1024, "b"));
      h.storage.delayMs = 150;
      await Promise.all([
        h.handler.fetch(succeededOutputs(h.dir), { adopted: false }),
        h.another().fetch(succeededOutputs(h.dir, { actionId: ACTION_ID_2 }), { adopted: false }),
      ]);
      const issued = h.storage.events.flatMap((e, i) => (e.startsWith("issued:") ? [i] : []));
      const firstEnd = h.storage.events.findIndex((e) => e.startsWith("end:"));
      expect(issued[1]).toBeLessThan(firstEnd); // the second link was issued while the first download ran
    } finally {
      await h.close();
    }
  });
});
