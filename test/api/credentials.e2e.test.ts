/**
 * Every credential kind that signs in with a client assertion, end to end: the real
 * @azure/identity (ClientCertificateCredential, WorkloadIdentityCredential, as the settings pick
 * them) and the real MdeClient in a child process, against the emulator's Entra endpoint. The
 * federated token comes from a local OIDC issuer standing in for GitHub Actions, with the subject
 * GitHub sends for a job in the `incident-response` environment.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ensureTls } from "../../emulator/server/certs";
import { DEFAULT_MACHINES as M, defaultScenario } from "../../emulator/scenario/defaultScenario";
import { GITHUB_SUBJECT, LocalOidcIssuer } from "../helpers/oidcIssuer";
import { sharedTlsDir } from "../emulator/harness";
import { EmulatorChild } from "./emulatorChild";

let h: EmulatorChild;
let issuer: LocalOidcIssuer;
let dir: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "pmf-credentials-"));
  execFileSync("openssl", ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ir.key", "-out", "ir.crt", "-days", "2", "-subj", "/CN=ir-automation"], { cwd: dir, stdio: "pipe" });
  // What ClientCertificateCredential reads: the private key and the certificate in one PEM file.
  writeFileSync(join(dir, "ir.pem"), readFileSync(join(dir, "ir.key"), "utf8") + readFileSync(join(dir, "ir.crt"), "utf8"));
  const tls = ensureTls(sharedTlsDir);
  issuer = await LocalOidcIssuer.start(sharedTlsDir);
  const scenario = defaultScenario();
  scenario.apps = scenario.apps.map((a, i) =>
    i === 0 ? { ...a, certificates: [readFileSync(join(dir, "ir.crt"), "utf8")], federatedCredentials: [{ name: "github-incident-response", issuer: issuer.url, subject: GITHUB_SUBJECT }] } : a,
  );
  h = await EmulatorChild.start({ scenario, trustedCaFiles: [tls.caFile] });
});
afterAll(async () => {
  await h.close();
  await issuer.close();
  rmSync(dir, { recursive: true, force: true });
});

const tokenReplies = () => h.emu.counters().requests["POST /{tenant}/oauth2/v2.0/token"] ?? {};

it("clientCertificate: collects with a token signed for by the registered certificate", async () => {
  h.emu.resetCounters();
  const r = await h.run({ collect: [M.win11] }, h.env({ MDE_CREDENTIAL: "clientCertificate", AZURE_CLIENT_CERTIFICATE_PATH: join(dir, "ir.pem") }));
  expect(r.fatal).toBeUndefined();
  expect(r.collected).toEqual([expect.objectContaining({ ok: true, status: "Pending", adopted: false })]);
  expect(tokenReplies()).toEqual({ "200": 1 });
  expect(h.emu.counters().collectPosts[M.win11]).toBe(1);
}, 120_000);

it("workloadIdentity: collects with the GitHub-style federated token from the file", async () => {
  h.emu.resetCounters();
  const tokenFile = join(dir, "azure-federated-token");
  writeFileSync(tokenFile, issuer.mint(), { mode: 0o600 });
  const r = await h.run({ collect: [M.linux] }, h.env({ MDE_CREDENTIAL: "workloadIdentity", AZURE_FEDERATED_TOKEN_FILE: tokenFile }));
  expect(r.fatal).toBeUndefined();
  expect(r.collected).toEqual([expect.objectContaining({ ok: true, status: "Pending", adopted: false })]);
  expect(tokenReplies()).toEqual({ "200": 1 });
}, 120_000);

it("workloadIdentity: a token for another subject fails at once, naming AADSTS70021 and what to compare", async () => {
  h.emu.resetCounters();
  const tokenFile = join(dir, "branch-token");
  writeFileSync(tokenFile, issuer.mint({ claims: { sub: "repo:contoso/ir:ref:refs/heads/main" } }), { mode: 0o600 });
  const r = await h.run({ collect: [M.mac] }, h.env({ MDE_CREDENTIAL: "workloadIdentity", AZURE_FEDERATED_TOKEN_FILE: tokenFile }));
  const [outcome] = r.collected;
  expect(outcome).toMatchObject({ ok: false, name: "MdeSignInError" });
  expect(outcome.message).toMatch(/with the workloadIdentity credential .*: Entra ID refused the sign-in \(AADSTS70021 invalid_request No matching federated identity record found for presented assertion\. Assertion Issuer: '.*'\. Assertion Subject: 'repo:contoso\/ir:ref:refs\/heads\/main'/);
  expect(outcome.message).toContain("Fix: no federated identity credential of the app matches the token's issuer, subject and audience");
  // No retry of ours (MSAL itself asks twice for a client assertion it was refused): no token, no MDE call.
  expect(Object.keys(tokenReplies())).toEqual(["400"]);
  expect(tokenReplies()["400"]).toBeLessThanOrEqual(2);
  expect(h.emu.counters().collectPosts[M.mac]).toBeUndefined();
}, 120_000);
