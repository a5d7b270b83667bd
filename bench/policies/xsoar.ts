/**
 * Baseline, reimplemented from the documented behaviour of the Cortex XSOAR "Microsoft Defender
 * for Endpoint" integration (shared/reference/peers.md §3; demisto/content
 * MicrosoftDefenderAdvancedThreatProtection.py and MicrosoftApiModule.py, stored versions):
 *
 * - one command chain per machine (`request-and-download-investigation-package`), all started
 *   together, as a playbook looping over the incident's hosts does; no client-side rate limit;
 * - collect POST, then the action is polled on its own every `interval_in_seconds` (10 s) until
 *   Succeeded, Failed or Cancelled, up to `timeout_in_seconds` (600 s); TimeOut is not final;
 * - on a 429 the command is rescheduled once after a fixed 60 s, `Retry-After` ignored; the
 *   `ran_once_flag` then travels with the chain, so a second 429 fails it;
 * - a 400 (already running) is an error, nothing is adopted;
 * - package runs: GetPackageUri once Succeeded, then the download.
 */
import { ForensicsError } from "../../provider/util/error";
import { baselinePolicy, failedOutcome, sleepEmulated } from "./http";
import type { MachineOutcome, Policy } from "./types";

const POLL_INTERVAL_MS = 10_000;
const TIMEOUT_MS = 600_000;
const RATE_LIMIT_WAIT_MS = 60_000;

/** The command chain of one machine ended in an error, as the integration's would. */
class ChainFailed extends ForensicsError {
  override name = "ChainFailed";
}

export const xsoarPolicy: Policy = baselinePolicy({
  id: "xsoar",
  label: "XSOAR-style (reimplemented from documented behaviour): per-action polling every 10 s, fixed 60 s wait on 429, once",
  run(input, http) {
    const wait = (ms: number) => sleepEmulated(ms, input.target.timeScale, input.signal);
    return Promise.all(
      input.machineIds.map(async (machineId): Promise<MachineOutcome> => {
        let ranOnce = false;
        /** A call under the integration's rate-limit rule. */
        const call = async (method: "GET" | "POST", path: string, body?: unknown) => {
          for (;;) {
            const r = await http.call(method, path, body);
            if (r.status !== 429) return r;
            if (ranOnce) throw new ChainFailed("429 on the rescheduled run");
            ranOnce = true;
            await wait(RATE_LIMIT_WAIT_MS);
          }
        };
        let actionId: string | undefined;
        try {
          const posted = await call("POST", `/api/machines/${machineId}/collectInvestigationPackage`, { Comment: input.comment });
          if (posted.status !== 201 && posted.status !== 200) throw new ChainFailed(`collect answered ${posted.status}`);
          actionId = posted.json.id as string;
          const started = input.now();
          for (;;) {
            if (input.now() - started > TIMEOUT_MS) throw new ChainFailed("timed out after 600 s");
            await wait(POLL_INTERVAL_MS);
            const r = await call("GET", `/api/machineactions/${actionId}`);
            if (r.status !== 200) throw new ChainFailed(`get action answered ${r.status}`);
            const status = r.json.status as string;
            if (status === "Succeeded") break;
            if (status === "Failed" || status === "Cancelled") throw new ChainFailed(`action ${status}`);
          }
          if (input.packages) {
            const link = await call("GET", `/api/machineactions/${actionId}/GetPackageUri`);
            if (link.status !== 200) throw new ChainFailed(`GetPackageUri answered ${link.status}`);
            const download = await http.call("GET", String(link.json.value));
            if (download.status !== 200) throw new ChainFailed(`download answered ${download.status}`);
          }
          return { machineId, ok: true, actionId, packageKept: input.packages || undefined, finishedMs: input.now() };
        } catch (err) {
          return failedOutcome(machineId, actionId, err, input);
        }
      }),
    );
  },
});
