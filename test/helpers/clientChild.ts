/**
 * The project's MdeClient with the real @azure/identity (the credential the settings call for),
 * plus the evidence handler with its default dispatcher, in a child node process: jest cannot
 * load identity's ESM-only dependencies, and NODE_EXTRA_CA_CERTS and the proxy variables are read
 * as a provider process reads them. The child loads our TypeScript sources through a tiny
 * `typescript.transpileModule` require hook and prints one JSON line.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { childJson } from "../../scripts/lib/childJson";

const ROOT = resolve(__dirname, "../..");

/** What the child does: collect on machines, then keep the packages of (Succeeded) actions. */
export interface ChildTask {
  collect?: string[];
  evidence?: string[];
  comment?: string;
}

export interface ChildOutcome {
  ok: boolean;
  id?: string;
  adopted?: boolean;
  status?: string;
  sha256?: string;
  name?: string;
  message?: string;
}

export interface ChildResult {
  collected: ChildOutcome[];
  kept: ChildOutcome[];
  fatal?: string;
  stderr: string;
}

/**
 * Lets a child node load our TypeScript sources (`fs` stays declared for the script after it).
 * Transpiled output is cached on disk by the file's name and contents, so the many short-lived
 * children of the kill-point, lock-race and runner suites do not each load the TypeScript
 * compiler and transpile the same modules again (it is only required on a miss).
 */
export const TS_REQUIRE_HOOK = `
const fs = require("fs");
const pmfTsCacheDir = require("path").join(require("os").tmpdir(), "pmf-ts-transpiled");
let pmfTs;
require.extensions[".ts"] = (module, filename) => {
  const source = fs.readFileSync(filename, "utf8");
  const cached = require("path").join(pmfTsCacheDir, require("crypto").createHash("sha256").update(filename + "\\0" + source).digest("hex") + ".js");
  let out;
  try {
    out = fs.readFileSync(cached, "utf8");
  } catch {
    pmfTs = pmfTs || require(${JSON.stringify(join(ROOT, "node_modules/typescript"))});
    out = pmfTs.transpileModule(source, { fileName: filename, compilerOptions: { module: pmfTs.ModuleKind.CommonJS, target: pmfTs.ScriptTarget.ES2022, esModuleInterop: true } }).outputText;
    try {
      fs.mkdirSync(pmfTsCacheDir, { recursive: true });
      const partial = cached + "." + process.pid + ".tmp";
      fs.writeFileSync(partial, out);
      fs.renameSync(partial, cached);
    } catch {}
  }
  module._compile(out, filename);
};
`;

const CHILD = `${TS_REQUIRE_HOOK}
const path = require("path");
const root = ${JSON.stringify(ROOT)};
const api = { ...require(path.join(root, "provider/api/client.ts")), ...require(path.join(root, "provider/api/settings.ts")) };
const { createEvidenceHandler } = require(path.join(root, "provider/evidence/handler.ts"));
const { closeDefaultEvidenceDispatcher } = require(path.join(root, "provider/evidence/options.ts"));
const { toOutputs } = require(path.join(root, "provider/resource/outputs.ts"));
const task = JSON.parse(process.argv[2]);
const failed = (e) => ({ ok: false, name: e && e.name, message: String(e && e.message) });
(async () => {
  const settings = api.resolveSettings({ env: process.env });
  const client = new api.MdeClient(settings);
  const comment = task.comment || "child process";
  const result = { collected: [], kept: [] };
  try {
    result.collected = await Promise.all((task.collect || []).map((m) =>
      client.collectInvestigationPackage(m, comment).then(({ action, adopted }) => ({ ok: true, id: action.id, status: action.status, adopted }), failed)));
    const dir = fs.mkdtempSync(path.join(require("os").tmpdir(), "pmf-child-evidence-"));
    const handler = createEvidenceHandler({ api: client, apiOrigin: settings.apiUrl, tenantId: settings.tenantId });
    for (const id of task.evidence || []) {
      try {
        const action = await client.getMachineAction(id);
        const inputs = { machineId: action.machineId, comment, triggers: {}, waitForCompletion: true, timeoutMinutes: 30, evidenceDirectory: dir, cancelOnDelete: false };
        const kept = await handler.fetch(toOutputs(inputs, action, true), { adopted: true });
        result.kept.push({ ok: true, id, sha256: kept.packageSha256 });
      } catch (e) {
        result.kept.push(failed(e));
      }
    }
    fs.rmSync(dir, { recursive: true, force: true });
  } finally {
    await client.close();
    await closeDefaultEvidenceDispatcher();
  }
  console.log(JSON.stringify(result));
})().catch((e) => console.log(JSON.stringify({ collected: [], kept: [], fatal: String((e && e.stack) || e) })));
`;

export class ClientChild {
  private readonly dir = mkdtempSync(join(tmpdir(), "pmf-client-child-"));
  private readonly script = join(this.dir, "child.js");

  constructor() {
    writeFileSync(this.script, CHILD);
  }

  /**
   * Runs `task` with `env` on top of this process's environment, minus any proxy variables of its
   * own (a test names the proxy it means).
   */
  async run(task: ChildTask, env: Record<string, string>): Promise<ChildResult> {
    const base: Record<string, string | undefined> = { ...process.env };
    for (const k of Object.keys(base)) if (/^(https?|all|no)_proxy$/i.test(k)) delete base[k];
    const { result, stderr } = await childJson<ChildResult>(this.script, [JSON.stringify(task)], { ...base, ...env });
    return { ...result, stderr };
  }

  dispose(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}
