/**
 * examples/gitops: the program runs the committed sample incident file through the real CLI
 * against the emulator (as the workflow's `pulumi up` on merge would), a pull request adding a
 * follow-up previews as one new collection, and the workflow's own pieces are checked: the
 * changed-files → stacks script on a real git history, the GitHub OIDC token script against a
 * stand-in for GitHub's token endpoint, and the workflow file itself (OIDC, no stored secret).
 */
import { execFileSync, spawn, spawnSync as spawnProcess } from "node:child_process";
import * as fs from "node:fs";
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import { parse } from "yaml";
import { DEFAULT_ACTIONS, DEFAULT_MACHINES } from "../../emulator";
import { EmulatedTenant, succeeded } from "../helpers/e2e";
import { EXAMPLES, mdeConfig, sha256File, Stacks } from "./helpers";

const GITOPS = path.join(EXAMPLES, "gitops");
const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "pmf-gitops-"));
afterAll(() => fs.rmSync(scratch, { recursive: true, force: true }));

describe("the gitops program against the emulator", () => {
  let tenant: EmulatedTenant;
  const stacks = new Stacks();

  beforeAll(async () => {
    tenant = await EmulatedTenant.start({ timeScale: 60 });
    // The analyst's collection on win10-busy01 runs until the test ends it: the up finds it running.
    tenant.emulator.actions.hold(DEFAULT_ACTIONS.running);
  });

  afterAll(async () => {
    await stacks.dispose();
    await tenant.close();
  });

  it("applies incidents/inc-2041.yaml, then previews a follow-up pull request as one new collection", async () => {
    const evidenceRoot = path.join(tenant.dir, "evidence");
    // The committed incident file, under a name of its own: the stack is named after the file,
    // and a stack name shared with other runs would share their work folder.
    const stack = `inc-2041-${process.pid}`;
    const merged = path.join(scratch, "merged-incidents");
    fs.mkdirSync(merged, { recursive: true });
    fs.copyFileSync(path.join(GITOPS, "incidents", "inc-2041.yaml"), path.join(merged, `${stack}.yaml`));
    const cli = stacks.open("gitops", stack, tenant);
    const config = {
      ...mdeConfig(tenant),
      "incident-gitops:incidentsDirectory": { value: merged },
      "incident-gitops:evidenceRoot": { value: evidenceRoot },
    };
    cli.setConfig(config);

    const run = cli.start("up");
    // Once the up has seen the analyst's collection running (and adopted it), it ends.
    await tenant.seen(DEFAULT_ACTIONS.running);
    tenant.emulator.actions.complete(DEFAULT_ACTIONS.running, "Succeeded");
    const up = await succeeded(run, "up");
    const c = up.outputs.collections;
    expect(up.outputs.incident).toBe("INC-2041");
    expect(Object.keys(c).sort()).toEqual(["lnx-srv01.contoso.local", "win10-busy01.contoso.local", "win11-ws01.contoso.local"]);
    expect(c["win10-busy01.contoso.local"]).toMatchObject({ status: "Succeeded", adopted: true, actionId: DEFAULT_ACTIONS.running });
    for (const device of Object.keys(c)) {
      expect(c[device].status).toBe("Succeeded");
      expect(path.dirname(c[device].packagePath)).toBe(path.join(evidenceRoot, "INC-2041"));
      expect(sha256File(c[device].packagePath)).toBe((await tenant.emulator.packageInfo(c[device].actionId))!.sha256);
    }
    expect(tenant.collectPosts(DEFAULT_MACHINES.busy)).toBe(0);

    // The pull request: the same file with a follow-up appended, in another checkout.
    const pr = path.join(scratch, "pr-incidents");
    fs.mkdirSync(pr, { recursive: true });
    const file = fs.readFileSync(path.join(GITOPS, "incidents", "inc-2041.yaml"), "utf8");
    fs.writeFileSync(path.join(pr, `${stack}.yaml`), `${file}followUps:\n  - alert: da638412041000000000_1234567890\n    devices: [mac-ws01.contoso.local]\n`);
    cli.setConfig({ ...config, "incident-gitops:incidentsDirectory": { value: pr } });
    const before = tenant.apiRequests();
    const preview = await cli.ok("preview");
    expect(preview.changeSummary).toEqual({ create: 1, same: 4 });
    expect(tenant.apiRequests()).toBe(before);
  }, 180_000);

  it("names the missing incident file when a stack has none", async () => {
    const stack = `inc-9999-${process.pid}`;
    const cli = stacks.open("gitops", stack, tenant);
    cli.setConfig({ ...mdeConfig(tenant), "incident-gitops:incidentsDirectory": { value: path.join(GITOPS, "incidents") } });
    const r = await cli.run("preview");
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain(`stack ${stack} has no incident file ${path.join(GITOPS, "incidents", `${stack}.yaml`)}`);
  }, 60_000);
});

describe("scripts/changed-incidents.sh", () => {
  const repo = path.join(scratch, "repo");
  const git = (...args: string[]) => execFileSync("git", args, { cwd: repo, encoding: "utf8" }).trim();
  const commit = (message: string) => {
    git("add", "-A");
    git("-c", "user.name=t", "-c", "user.email=t@example.invalid", "commit", "-q", "-m", message);
    return git("rev-parse", "HEAD");
  };
  const changed = (base: string) => {
    const r = spawnSync(path.join(GITOPS, "scripts", "changed-incidents.sh"), [base, "HEAD"], repo);
    return { stacks: r.stdout.split("\n").filter(Boolean), stderr: r.stderr };
  };

  it("maps added, changed and renamed incident files to stacks; deletions and other files to nothing", () => {
    fs.mkdirSync(path.join(repo, "incidents"), { recursive: true });
    git("init", "-q");
    fs.writeFileSync(path.join(repo, "incidents", "inc-1.yaml"), "incident: INC-1\n");
    fs.writeFileSync(path.join(repo, "incidents", "inc-2.yaml"), "incident: INC-2\n");
    fs.writeFileSync(path.join(repo, "incidents", "inc-3.yaml"), "incident: INC-3\n");
    const first = commit("three incidents");

    fs.appendFileSync(path.join(repo, "incidents", "inc-1.yaml"), "devices: [a]\n");
    fs.rmSync(path.join(repo, "incidents", "inc-2.yaml"));
    fs.renameSync(path.join(repo, "incidents", "inc-3.yaml"), path.join(repo, "incidents", "inc-3b.yaml"));
    fs.writeFileSync(path.join(repo, "incidents", "inc 4.yaml"), "incident: INC-4\n");
    fs.writeFileSync(path.join(repo, "incidents", "notes.md"), "not an incident\n");
    fs.mkdirSync(path.join(repo, "incidents", "archive"));
    fs.writeFileSync(path.join(repo, "incidents", "archive", "inc-0.yaml"), "incident: INC-0\n");
    fs.writeFileSync(path.join(repo, "README.md"), "x\n");
    commit("edit, delete, rename, add odd files");

    const r = changed(first);
    expect(r.stacks).toEqual(["inc-1", "inc-3b"]);
    expect(r.stderr).toContain("skipping incidents/inc 4.yaml");
    // The first push of a branch has no usable base: every incident file counts.
    expect(changed("0000000000000000000000000000000000000000").stacks).toEqual(["inc-1", "inc-3b"]);
  });
});

describe("scripts/federated-token.sh", () => {
  it("asks GitHub for a token with Entra's audience and keeps a fresh one in a private file", async () => {
    const requests: Array<{ url: string; auth?: string }> = [];
    const server = http.createServer((req, res) => {
      requests.push({ url: req.url!, auth: req.headers.authorization });
      res.setHeader("content-type", "application/json");
      res.end(JSON.stringify({ count: 1, value: `eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJyZXBvIn0.sig${requests.length}` }));
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const port = (server.address() as AddressInfo).port;
    const tokenFile = path.join(scratch, "token", "azure-federated-token");
    const env = {
      ...process.env,
      ACTIONS_ID_TOKEN_REQUEST_URL: `http://127.0.0.1:${port}/token?api-version=2.0`,
      ACTIONS_ID_TOKEN_REQUEST_TOKEN: "request-token",
      AZURE_FEDERATED_TOKEN_FILE: tokenFile,
      FEDERATED_TOKEN_REFRESH_SECONDS: "1",
    };
    const keeper = spawn(path.join(GITOPS, "scripts", "federated-token.sh"), ["--keep"], { env, stdio: "ignore" });
    try {
      const deadline = Date.now() + 15_000;
      while (requests.length < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
      expect(requests.length).toBeGreaterThanOrEqual(2);
      expect(requests[0]).toEqual({ url: "/token?api-version=2.0&audience=api%3A%2F%2FAzureADTokenExchange", auth: "bearer request-token" });
      await new Promise((r) => setTimeout(r, 200));
      expect(fs.readFileSync(tokenFile, "utf8")).toMatch(/^eyJhbGciOiJSUzI1NiJ9\.eyJzdWIiOiJyZXBvIn0\.sig\d+$/);
      expect(fs.statSync(tokenFile).mode & 0o777).toBe(0o600);
    } finally {
      keeper.kill();
      server.close();
    }
  });

  it("says what is missing outside a job with id-token: write", () => {
    const r = spawnSync(path.join(GITOPS, "scripts", "federated-token.sh"), [], scratch, { PATH: process.env.PATH ?? "" });
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain("ACTIONS_ID_TOKEN_REQUEST_URL: missing: the job needs permissions: id-token: write");
  });
});

describe(".github/workflows/incident-response.yml", () => {
  const text = fs.readFileSync(path.join(GITOPS, ".github", "workflows", "incident-response.yml"), "utf8");
  const wf = parse(text);

  it("signs in with GitHub OIDC and stores no secret", () => {
    expect(text).not.toMatch(/\$\{\{\s*secrets\./);
    expect(text).not.toMatch(/AZURE_CLIENT_SECRET|PULUMI_ACCESS_TOKEN/);
    expect(wf.permissions).toEqual({ contents: "read", "id-token": "write" });
    expect(wf.env).toMatchObject({ AZURE_CLIENT_ID: "${{ vars.AZURE_CLIENT_ID }}", AZURE_TENANT_ID: "${{ vars.AZURE_TENANT_ID }}" });
    expect(text).toContain("AZURE_FEDERATED_TOKEN_FILE=$RUNNER_TEMP/azure-federated-token");
  });

  it("previews pull requests and applies merges to main and manual runs, each in its own environment and queue", () => {
    expect(Object.keys(wf.on).sort()).toEqual(["pull_request", "push", "workflow_dispatch"]);
    expect(wf.on.pull_request.paths).toEqual(["incidents/**"]);
    expect(wf.on.push).toEqual({ branches: ["main"], paths: ["incidents/**"] });
    const preview = wf.jobs.preview.steps.map((s: { run?: string }) => s.run ?? "").join("\n");
    const up = wf.jobs.up.steps.map((s: { run?: string }) => s.run ?? "").join("\n");
    expect(preview).toContain("pulumi preview");
    expect(preview).not.toContain("pulumi up");
    expect(up).toContain("pulumi up --stack \"$STACK\" --yes");
    expect(up).toContain("scripts/federated-token.sh --keep &");
    expect(wf.jobs.up.environment).toBe("incident-response");
    expect(wf.jobs.up.concurrency).toEqual({ group: "incident-${{ matrix.stack }}", "cancel-in-progress": false });
  });

  it("uses only scripts that exist and are executable", () => {
    for (const script of new Set(text.match(/scripts\/[a-z-]+\.sh/g))) {
      expect(fs.statSync(path.join(GITOPS, script)).mode & 0o111).not.toBe(0);
    }
  });
});

function spawnSync(file: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = process.env) {
  return spawnProcess(file, args, { cwd, env, encoding: "utf8" });
}
