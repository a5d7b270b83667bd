/**
 * Baseline, reimplemented from the documented behaviour of MDEAutomator (shared/reference/peers.md
 * §3; msdirtbag/MDEAutomator function/MDEDispatcher/run.ps1 and MDEAutomator.psm1, stored versions):
 *
 * - `ForEach-Object -Parallel -ThrottleLimit 10`: 10 workers, each takes one machine at a time;
 * - `Invoke-WithRetry` around the collect POST and GetPackageUri: on 429 wait `Retry-After`
 *   (60 s without it), on 5xx or a network error wait the current delay (20 s first); after each
 *   wait the delay doubles (max 600 s) plus 2–5 s jitter; 5 retries, then the machine fails.
 *   `ActiveRequestAlreadyExists` and any other 4xx: "Skipped";
 * - 5 s after the POST, `Get-MachineActionStatus` GETs the action every 15 s for up to 10 min;
 *   any error there (a 429 included) ends the machine as failed;
 * - package runs: GetPackageUri once Succeeded, then the download.
 */
import { ForensicsError } from "../../provider/util/error";
import { baselinePolicy, failedOutcome, type Reply, seededRandom, sleepEmulated } from "./http";
import type { MachineOutcome, Policy } from "./types";

const WORKERS = 10;
const MAX_RETRIES = 5;
const INITIAL_DELAY_S = 20;
const FALLBACK_RETRY_AFTER_S = 60;
const MAX_DELAY_S = 600;
const FIRST_POLL_DELAY_MS = 5_000;
const POLL_INTERVAL_MS = 15_000;
const STATUS_TIMEOUT_MS = 10 * 60_000;

/** What the module reports for `ActiveRequestAlreadyExists` and any other 4xx: the machine is left out. */
class Skipped extends ForensicsError {
  override name = "Skipped";
}

export const mdeAutomatorPolicy: Policy = baselinePolicy({
  id: "mdeautomator",
  label: "MDEAutomator-style (reimplemented from documented behaviour): 10 parallel workers, exponential backoff ×2 (max 600 s) + jitter, 5 retries, polls every 15 s",
  async run(input, http) {
    const scale = input.target.timeScale;
    const random = seededRandom(input.seed);
    const waitEmulatedS = (s: number) => sleepEmulated(s * 1000, scale, input.signal);
    const wait = (ms: number) => sleepEmulated(ms, scale, input.signal);

    /** Invoke-WithRetry. */
    const withRetry = async (method: "GET" | "POST", path: string, body?: unknown): Promise<Reply> => {
      let delayS = INITIAL_DELAY_S;
      for (let retry = 0; ; retry++) {
        const r = await http.call(method, path, body);
        if (r.status >= 200 && r.status < 300) return r;
        if (r.json?.error?.code === "ActiveRequestAlreadyExists") throw new Skipped("ActiveRequestAlreadyExists: skipped");
        if (r.status === 429) {
          delayS = r.retryAfterS !== undefined && Number.isFinite(r.retryAfterS) ? r.retryAfterS : FALLBACK_RETRY_AFTER_S;
        } else if (r.status >= 400 && r.status < 500) {
          throw new Skipped(`${r.status}: skipped`);
        }
        if (retry >= MAX_RETRIES) throw new Error(`max retry count (${MAX_RETRIES}) reached, last status ${r.status}`);
        await waitEmulatedS(delayS);
        delayS = Math.min(delayS * 2, MAX_DELAY_S) + (2 + Math.floor(random() * 3));
      }
    };

    const one = async (machineId: string): Promise<MachineOutcome> => {
      let actionId: string | undefined;
      try {
        const posted = await withRetry("POST", `/api/machines/${machineId}/collectInvestigationPackage`, { Comment: input.comment });
        actionId = posted.json?.id as string | undefined;
        if (!actionId) throw new Error("no machine action id received");
        await wait(FIRST_POLL_DELAY_MS);
        const started = input.now();
        let succeeded = false;
        while (input.now() - started < STATUS_TIMEOUT_MS) {
          const r = await http.call("GET", `/api/machineactions/${actionId}`);
          if (r.status !== 200) throw new Error(`status poll answered ${r.status}`);
          const status = r.json.status as string;
          if (status === "Succeeded") {
            succeeded = true;
            break;
          }
          if (status !== "Pending" && status !== "InProgress") throw new Error(`action ${status}`);
          await wait(POLL_INTERVAL_MS);
        }
        if (!succeeded) throw new Error("status poll timed out");
        if (input.packages) {
          const link = await withRetry("GET", `/api/machineactions/${actionId}/getPackageUri`);
          const download = await http.call("GET", String(link.json.value));
          if (download.status !== 200) throw new Error(`download answered ${download.status}`);
        }
        return { machineId, ok: true, actionId, packageKept: input.packages || undefined, finishedMs: input.now() };
      } catch (err) {
        return failedOutcome(machineId, actionId, err, input);
      }
    };

    const queue = [...input.machineIds];
    const outcomes: MachineOutcome[] = [];
    await Promise.all(
      Array.from({ length: Math.min(WORKERS, queue.length) }, async () => {
        for (let id = queue.shift(); id !== undefined; id = queue.shift()) {
          outcomes.push(
            input.signal.aborted
              ? { machineId: id, ok: false, error: "not started by the run's deadline", finishedMs: input.now(), unfinished: true }
              : await one(id),
          );
        }
      }),
    );
    return outcomes;
  },
});
