/**
 * One evidence handler wired to a loopback storage server, a fake GetPackageUri, an instant
 * clock and its own queue and undici Agent, plus the leak check every test ends with.
 */
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { Agent } from "undici";
import { SerialQueue } from "../../../provider/evidence/fetchQueue";
import { createEvidenceHandler } from "../../../provider/evidence/handler";
import type { EvidenceHandlerOptions } from "../../../provider/evidence/options";
import type { EvidenceHandler } from "../../../provider/resource/context";
import { FakePackageApi, InstantClock, tempDir } from "./fixtures";
import { StorageServer } from "./storageServer";

export const API_ORIGIN = "https://api.security.microsoft.com";
export const TENANT_ID = "6f1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d";

export interface Harness {
  storage: StorageServer;
  api: FakePackageApi;
  clock: InstantClock;
  handler: EvidenceHandler;
  dir: string;
  logs: string[];
  errors: string[];
  /** Builds another handler on the same server, folder, API and queue. */
  another(overrides?: Partial<EvidenceHandlerOptions>): EvidenceHandler;
  close(): Promise<void>;
}

export async function harness(
  overrides: Partial<EvidenceHandlerOptions> = {},
  wrapLink?: (link: string) => string,
): Promise<Harness> {
  const storage = await new StorageServer().start();
  const clock = new InstantClock();
  const api = new FakePackageApi(storage, clock, wrapLink);
  const temp = await tempDir("handler");
  const dir = join(temp.path, "case-1234", "evidence");
  const logs: string[] = [];
  const agent = new Agent({ keepAliveTimeout: 1_000 });
  const queue = new SerialQueue();
  const make = (more: Partial<EvidenceHandlerOptions> = {}) =>
    createEvidenceHandler({
      api,
      apiOrigin: `${API_ORIGIN}/api/`,
      tenantId: TENANT_ID,
      clock,
      log: (line) => logs.push(line),
      dispatcher: agent,
      queue,
      toolVersion: "9.9.9-test",
      operator: "analyst@forensics-ws",
      ...overrides,
      ...more,
    });
  return {
    storage,
    api,
    clock,
    handler: make(),
    dir,
    logs,
    errors: [],
    another: make,
    async close() {
      await agent.close();
      await storage.close();
      await temp.cleanup();
    },
  };
}

/** Every text a user or an attacker could read afterwards: logs, error messages, files in the folder. */
export async function everythingVisible(h: Harness): Promise<string> {
  const parts = [...h.logs, ...h.errors];
  for (const name of await readdir(h.dir).catch(() => [] as string[])) {
    if (name.endsWith(".json") || name.endsWith(".jsonl")) parts.push(await readFile(join(h.dir, name), "utf8"));
  }
  return parts.join("\n");
}

/** Asserts that no issued token, and no `token=` value, appears anywhere visible. */
export async function expectNoLinkLeak(h: Harness): Promise<void> {
  const text = await everythingVisible(h);
  expect(h.storage.tokens.length).toBeGreaterThan(0);
  for (const token of h.storage.tokens) expect(text).not.toContain(token);
  expect(text).not.toMatch(/token=(?!\[REDACTED\])/);
  expect(text).not.toContain("/safedownload/");
}

/** Runs `p`, expecting a rejection; records its message for the leak check and returns it. */
export async function rejection(h: Harness, p: Promise<unknown>): Promise<Error> {
  try {
    await p;
  } catch (err) {
    h.errors.push(String((err as Error).message), String((err as Error).stack ?? ""), String(((err as Error).cause as Error | undefined)?.message ?? ""));
    return err as Error;
  }
  throw new Error("expected a rejection");
}

export async function custodyLines(dir: string): Promise<Array<Record<string, any>>> {
  const text = await readFile(join(dir, "custody.jsonl"), "utf8");
  expect(text.endsWith("\n")).toBe(true);
  return text.trimEnd().split("\n").map((l) => JSON.parse(l));
}
