/**
 * A node script run in a child process whose last stdout line is its JSON result: how tests and
 * the benchmark run code in a process of its own (real @azure/identity, a sweep runner per
 * process), so that it reads its environment as a provider process does.
 */
import { spawn } from "node:child_process";
import { ForensicsError } from "../../provider/util/error";

/** Thrown when `signal` stopped the child: it was killed, so it has no result. */
export class ChildStopped extends ForensicsError {
  override name = "ChildStopped";
}

/**
 * Runs `script` with `args` and `env` (`signal` kills it); resolves with its last stdout line
 * parsed as JSON, and its stderr. Errors are redacted (the child's output may echo its secret).
 */
export function childJson<T>(script: string, args: string[], env: NodeJS.ProcessEnv, signal?: AbortSignal): Promise<{ result: T; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [script, ...args], { env, stdio: ["ignore", "pipe", "pipe"] });
    const stop = () => child.kill("SIGKILL");
    signal?.addEventListener("abort", stop, { once: true });
    let out = "";
    let err = "";
    child.stdout.on("data", (d: Buffer) => (out += d.toString()));
    child.stderr.on("data", (d: Buffer) => (err += d.toString()));
    child.on("error", reject);
    child.on("close", (code) => {
      signal?.removeEventListener("abort", stop);
      if (signal?.aborted) return reject(new ChildStopped(`${script} was stopped`));
      try {
        resolve({ result: JSON.parse(out.trim().split("\n").pop() ?? "") as T, stderr: err });
      } catch {
        reject(new ForensicsError(`${script} ${args.join(" ").slice(0, 200)} exited ${code} without a result:\n${out.slice(-2000)}\n${err.slice(-2000)}`, { knownSecrets: [env.AZURE_CLIENT_SECRET] }));
      }
    });
  });
}
