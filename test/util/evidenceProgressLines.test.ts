/**
 * provider/util/evidenceProgressLines.ts: the scope in which a sweep's machines leave out the
 * evidence handler's lines, followed into the package fetch queue (one job at a time, process
 * wide), where a job often starts long after the call that queued it, from another job's end.
 */
import { SerialQueue } from "../../provider/evidence/fetchQueue";
import { evidenceProgressQuiet, quietEvidenceProgress } from "../../provider/util/evidenceProgressLines";

/** What the handler's sink would do: write a line unless the scope says to leave it out. */
function sink() {
  const lines: string[] = [];
  return { lines, log: (line: string) => (evidenceProgressQuiet() ? undefined : lines.push(line)) };
}

it("leaves out the lines of work run in the scope, and only those", async () => {
  const { lines, log } = sink();
  log("single: before");
  await quietEvidenceProgress(async () => {
    log("sweep: at once");
    await new Promise((r) => setTimeout(r, 5));
    log("sweep: after a timer");
  });
  log("single: after");
  expect(lines).toEqual(["single: before", "single: after"]);
});

it("follows each job into the fetch queue: a sweep's job queued behind a single collection's stays quiet, and the reverse", async () => {
  const queue = new SerialQueue();
  const { lines, log } = sink();
  let release!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  const job = (name: string, wait?: Promise<void>) => async () => {
    log(`${name}: downloading`);
    await wait;
    await new Promise((r) => setTimeout(r, 1));
    log(`${name}: kept`);
    return name;
  };
  const first = queue.run(job("single 1", gate));
  const sweep = quietEvidenceProgress(() => queue.run(job("sweep machine")));
  const second = queue.run(job("single 2"));
  release();
  expect(await Promise.all([first, sweep, second])).toEqual(["single 1", "sweep machine", "single 2"]);
  expect(lines).toEqual(["single 1: downloading", "single 1: kept", "single 2: downloading", "single 2: kept"]);
});
