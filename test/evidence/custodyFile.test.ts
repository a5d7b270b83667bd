/**
 * The custody log file as the writer meets it after a crash or an attack: a torn last line (a
 * power cut mid-write) is repaired before the next line, so that line is neither glued onto the
 * fragment nor lost; a planted symlink or FIFO at `custody.jsonl` is refused, never written
 * through; a log far larger than memory is continued from its tail alone.
 */
import { execFileSync } from "node:child_process";
import { appendFile, open, readFile, symlink, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { CUSTODY_LOG_NAME, CustodyLog } from "../../provider/evidence/custodyLog";
import { checkChain } from "../../provider/verify/chain";
import { InstantClock, MACHINE_ID, tempDirEachTest } from "./helpers/fixtures";

describe("custody log file", () => {
  const temp = tempDirEachTest("custody-file");
  const logPath = () => join(temp.path, CUSTODY_LOG_NAME);
  const newLog = () => new CustodyLog({ clock: new InstantClock(), tool: "t@1", operator: "a@h" });
  const chain = async () => checkChain(await readFile(logPath(), "utf8"), undefined, undefined);

  it("cuts a torn fragment off before appending, keeps its bytes in a `repaired` line, and loses no event", async () => {
    const log = newLog();
    await log.append(temp.path, "requested", { actionId: "a1", machineId: MACHINE_ID });
    await log.append(temp.path, "succeeded", { actionId: "a1", machineId: MACHINE_ID });
    await appendFile(logPath(), '{"prev":"0123","timestamp":"2026-01-01T00:0'); // power cut mid-line
    await log.append(temp.path, "downloaded", { actionId: "a1", machineId: MACHINE_ID });
    const c = await chain();
    expect(c.problem).toBeUndefined();
    expect(c.lines.map((l) => l.event)).toEqual(["requested", "succeeded", "repaired", "downloaded"]);
    const repaired = c.lines[2].details;
    expect(repaired).toMatchObject({ tornBytes: 43, tornBase64: Buffer.from('{"prev":"0123","timestamp":"2026-01-01T00:0').toString("base64") });
  });

  it("completes a last line that lost only its newline, keeping that event", async () => {
    const log = newLog();
    await log.append(temp.path, "requested", { actionId: "a1" });
    await log.append(temp.path, "succeeded", { actionId: "a1" });
    const text = await readFile(logPath(), "utf8");
    await writeFile(logPath(), text.slice(0, -1)); // the line is whole, its "\n" never reached the disk
    await log.append(temp.path, "downloaded", { actionId: "a1" });
    const c = await chain();
    expect(c.problem).toBeUndefined();
    expect(c.lines.map((l) => l.event)).toEqual(["requested", "succeeded", "downloaded"]);
  });

  it("refuses a planted custody.jsonl symlink and leaves the file it points at untouched", async () => {
    const victim = join(temp.path, "victim.txt");
    await writeFile(victim, "precious\n");
    await symlink(victim, logPath());
    await expect(newLog().append(temp.path, "requested", { actionId: "a1" })).rejects.toThrow(/custody\.jsonl is a symbolic link; evidence is never read or written through a link/);
    expect(await readFile(victim, "utf8")).toBe("precious\n");
  });

  it("refuses a FIFO at custody.jsonl at once instead of blocking", async () => {
    execFileSync("mkfifo", [logPath()]);
    await expect(newLog().append(temp.path, "requested", { actionId: "a1" })).rejects.toThrow(/custody\.jsonl is not a regular file/);
  });

  it("continues a log of 2 GiB (sparse) from its tail, without reading it whole", async () => {
    const log = newLog();
    const first = await log.append(temp.path, "requested", { actionId: "a1" });
    const text = await readFile(logPath(), "utf8");
    // A huge log: a hole of zeros, then a newline and the last line again (its own text, so it chains).
    const fh = await open(logPath(), "r+");
    await fh.truncate(2 * 1024 ** 3);
    await fh.write(`\n${text}`, 2 * 1024 ** 3);
    await fh.close();
    const rssBefore = process.memoryUsage().rss;
    const next = await log.append(temp.path, "succeeded", { actionId: "a1" });
    expect(process.memoryUsage().rss - rssBefore).toBeLessThan(256 * 1024 * 1024);
    expect(next.prev).toBe(require("node:crypto").createHash("sha256").update(JSON.stringify(first)).digest("hex"));
  });

  it("refuses, without reading it whole, a log whose last 2 GiB hold no line break (not this tool's)", async () => {
    await newLog().append(temp.path, "requested", { actionId: "a1" });
    const fh = await open(logPath(), "r+");
    await fh.truncate(2 * 1024 ** 3);
    await fh.close();
    const rssBefore = process.memoryUsage().rss;
    await expect(newLog().append(temp.path, "succeeded", { actionId: "a1" })).rejects.toThrow(/custody\.jsonl: its last line is longer than 1 MiB; custody lines are small, so this is not a log this tool wrote/);
    expect(process.memoryUsage().rss - rssBefore).toBeLessThan(256 * 1024 * 1024);
  });
});
