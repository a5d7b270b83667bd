/**
 * The custody log must hold whole lines even under concurrent writers, redact anything that
 * looks like a credential, and be reachable through the handler's `record`.
 */
import { readFile, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { CUSTODY_LOG_NAME, CustodyLog } from "../../provider/evidence/custodyLog";
import { ACTION_ID, InstantClock, MACHINE_ID, succeededOutputs, tempDirEachTest } from "./helpers/fixtures";
import { custodyLines, harness } from "./helpers/harness";

describe("custody log", () => {
  const temp = tempDirEachTest("custody");

  it("keeps 200 concurrent appends (from two writers) as 200 whole, parseable lines", async () => {
    const clock = new InstantClock();
    const a = new CustodyLog({ clock, tool: "t@1", operator: "a@h" });
    const b = new CustodyLog({ clock, tool: "t@1", operator: "b@h" });
    const long = "x".repeat(3000); // lines longer than a pipe buffer's atomic size, still whole
    await Promise.all(
      Array.from({ length: 200 }, (_, i) =>
        (i % 2 ? a : b).append(temp.path, "requested", { actionId: `id-${i}`, machineId: MACHINE_ID, requestorComment: long }),
      ),
    );
    const lines = await custodyLines(temp.path);
    expect(lines).toHaveLength(200);
    expect(new Set(lines.map((l) => l.actionId)).size).toBe(200);
    expect(lines.every((l) => l.details.requestorComment === long)).toBe(true);
  });

  it("writes timestamp, event, ids, operator, tool and the known details; mode 0600", async () => {
    const clock = new InstantClock(Date.UTC(2026, 2, 3, 4, 5, 6, 789));
    const log = new CustodyLog({ clock, tool: "pulumi-mde-forensics@1.2.3", operator: "ir@ws" });
    const line = await log.append(temp.path, "failed", { ...succeededOutputs(temp.path), status: "TimeOut", errorHResult: -2147023436 });
    expect(line).toEqual({
      prev: null,
      timestamp: "2026-03-03T04:05:06.789Z",
      event: "failed",
      actionId: ACTION_ID,
      machineId: MACHINE_ID,
      operator: "ir@ws",
      tool: "pulumi-mde-forensics@1.2.3",
      details: {
        status: "TimeOut",
        computerDnsName: "ws-0042.contoso.local",
        requestor: "3f2c1a0e-5b6d-4c7e-8f90-a1b2c3d4e5f6",
        requestorComment: "IR-1234 suspicious lateral movement",
        creationDateTimeUtc: "2026-01-01T00:00:00.000Z",
        lastUpdateDateTimeUtc: "2026-01-01T00:04:30.123Z",
        errorHResult: -2147023436,
      },
    });
    expect(JSON.parse(await readFile(join(temp.path, CUSTODY_LOG_NAME), "utf8"))).toEqual(line);
    expect((await stat(join(temp.path, CUSTODY_LOG_NAME))).mode & 0o777).toBe(0o600);
  });

  it("redacts credentials a comment might carry, and live links verbatim", async () => {
    const live = "https://storage.example/p.zip?sv=2024&sig=abcdefSECRET";
    const log = new CustodyLog({ clock: new InstantClock(), tool: "t", operator: "o", knownSecrets: () => [live] });
    await log.append(temp.path, "requested", {
      actionId: ACTION_ID,
      requestorComment: `see ${live} and https://x.example/a?token=hunter22secret`,
    });
    const text = await readFile(join(temp.path, CUSTODY_LOG_NAME), "utf8");
    expect(text).not.toContain("abcdefSECRET");
    expect(text).not.toContain("hunter22secret");
    expect(text).toContain("[REDACTED]");
  });

  it("is what the handler's record writes, creating the folder when needed", async () => {
    const h = await harness();
    try {
      const dir = join(temp.path, "new", "folder");
      await h.handler.record(dir, "adopted", succeededOutputs(dir, { status: "InProgress", adopted: true }));
      expect(await custodyLines(dir)).toMatchObject([{ event: "adopted", actionId: ACTION_ID, details: { status: "InProgress" } }]);
    } finally {
      await h.close();
    }
  });

  it("fails with a clear message when the log cannot be written", async () => {
    const h = await harness();
    try {
      const file = join(temp.path, "file");
      await writeFile(file, "x");
      await expect(h.handler.record(join(file, "sub"), "requested", { actionId: ACTION_ID })).rejects.toThrow(
        /cannot append to the custody log .*file\/sub\/custody\.jsonl: a part of the path is a file, not a folder \(ENOTDIR\)/,
      );
    } finally {
      await h.close();
    }
  });
});
