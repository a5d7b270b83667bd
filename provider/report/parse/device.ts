/**
 * One package → the facts of its device (facts.ts). Files are found by their documented folder
 * and name, matched loosely (case, spacing), and read in place from the ZIP (zipEntries.ts) with
 * the limits of limits.ts; each parser records what it skipped. Files the report does not use
 * (prefetch, the CAB, DNS cache…) are left unread.
 */
import type { DeviceFacts, PackageRef } from "../facts";
import { PROCESS_COLUMNS, PROGRAM_COLUMNS, SERVICE_COLUMNS, TASK_COLUMNS } from "./columns";
import { parseLocalGroup, parseNetstat, parseRegQuery, parseSystemInfoHost } from "./commandOutput";
import { parseCsv, pickColumns } from "./csv";
import { decodeText, splitLines } from "./decode";
import { parseMpCmdRunLog } from "./defenderLog";
import { SkipLog, type ReadLimits, type Skipped } from "./limits";
import { emptySecurityLog, readSecurityLog } from "./securityLog";
import { parseSummaryHtml, summaryForm } from "./summaryReport";
import { readPackageEntries, type EntryPlan } from "./zipEntries";

const int = (s: string) => (/^\d+$/.test(s.trim()) ? Number(s) : undefined);
const loose = (p: string) => p.toLowerCase().replace(/\s+/g, " ");

export async function readDevice(zipFile: string, ids: { machineId: string; actionId: string; computerDnsName: string }, pkg: PackageRef, limits: ReadLimits): Promise<DeviceFacts> {
  const d: DeviceFacts = {
    ...ids, package: pkg, platform: "other", processes: [], services: [], tasks: [], programs: [], autoruns: [], sockets: [], members: [],
    detections: [], collection: [], summaryForm: "missing", security: emptySecurityLog(), skipped: [], entries: 0,
  };
  const notes: SkipLog[] = [];
  const log = (path: string) => {
    const s = new SkipLog(path);
    notes.push(s);
    return s;
  };
  const text = (use: (lines: string[], skip: SkipLog, path: string) => void) => (path: string): EntryPlan => ({
    kind: "buffer",
    maxBytes: limits.textBytes,
    use: (bytes) => {
      const skip = log(path);
      let lines = splitLines(decodeText(bytes).text);
      if (lines.length > limits.rows) {
        skip.add(`stopped after ${limits.rows} lines (row limit)`, limits.rows + 1);
        lines = lines.slice(0, limits.rows);
      }
      lines = lines.map((l, i) => (l.length > limits.fieldChars ? (skip.add(`line longer than ${limits.fieldChars} characters, cut`, i + 1), l.slice(0, limits.fieldChars)) : l));
      use(lines, skip, path);
    },
  });
  const csv = (use: (table: ReturnType<typeof parseCsv>, skip: SkipLog, path: string) => void) => (path: string): EntryPlan => ({
    kind: "buffer",
    maxBytes: limits.textBytes,
    use: (bytes) => {
      const skip = log(path);
      use(parseCsv(decodeText(bytes).text, limits, skip), skip, path);
    },
  });
  const routes: Array<[RegExp, (path: string) => EntryPlan]> = [
    [/^autoruns\/[^/]+\.txt$/, text((lines, _s, path) => d.autoruns.push(...parseRegQuery(lines).map((r) => ({ path, line: r.line, location: path.slice(9, -4), key: r.key, name: r.name, value: r.value }))))],
    [/^installed programs\/[^/]+\.csv$/, csv((t, s, path) => d.programs.push(...pickColumns(t, PROGRAM_COLUMNS, s).filter((r) => r.name).map((r) => ({ path, line: r.line, name: r.name, version: r.version, vendor: r.vendor }))))],
    [/^network connections\/activenetconnections\.txt$/, text((lines, _s, path) => d.sockets.push(...parseNetstat(lines).map((r) => ({ path, line: r.line, proto: r.proto, local: r.local, port: r.localPort, foreign: r.foreign, state: r.state, pid: r.pid }))))],
    [/^processes\/[^/]+\.csv$/, csv((t, s, path) => d.processes.push(...pickColumns(t, PROCESS_COLUMNS, s).map((r) => ({ path, line: r.line, name: r.name, pid: int(r.pid), ppid: int(r.ppid), exe: r.path, commandLine: r.commandLine }))))],
    [/^scheduled tasks\/[^/]+\.csv$/, csv((t, s, path) => d.tasks.push(...pickColumns(t, TASK_COLUMNS, s).filter((r) => r.name && r.name !== "TaskName").map((r) => ({ path, line: r.line, name: r.name, run: r.run, runAs: r.runAs, author: r.author }))))],
    [/^services\/[^/]+\.csv$/, csv((t, s, path) => d.services.push(...pickColumns(t, SERVICE_COLUMNS, s).map((r) => ({ path, line: r.line, name: r.name, displayName: r.displayName, state: r.state, startMode: r.startMode, pid: int(r.pid), pathName: r.pathName, startName: r.startName }))))],
    [/^users and groups\/[^/]+\.txt$/, text((lines, _s, path) => d.members.push(...parseLocalGroup(lines).map((r) => ({ path, line: r.line, group: path.slice(17, -4), member: r.member }))))],
    [/^wdsupportlogs\/mpcmdrunlog\.txt$/, text((lines, _s, path) => d.detections.push(...parseMpCmdRunLog(lines).map((r) => ({ path, line: r.line, threat: r.threat, resource: r.resource, time: r.startTime }))))],
    [/^system information\/systeminformation\.txt$/, text((lines) => void (d.computerDnsName ||= parseSystemInfoHost(lines) ?? ""))],
    [/^security event log\/[^/]*\.evtx$/, (path) => ({ kind: "stream", maxBytes: limits.evtxBytes, use: async (chunks) => void (d.security = await readSecurityLog(path, chunks, limits, log(path))) })],
    [/^collectionsummaryreport\.xls$/, (path) => ({ kind: "buffer", maxBytes: limits.textBytes, use: (bytes) => readSummary(d, path, bytes, limits, log(path)) })],
  ];
  const { entries, skipped } = await readPackageEntries(zipFile, limits, (e) => {
    const route = routes.find(([re]) => re.test(loose(e.path)));
    return route ? route[1](e.path) : { kind: "ignore" };
  });
  d.entries = entries.length;
  d.platform = entries.some((e) => /^security event log\//i.test(e.path) || /^autoruns\//i.test(e.path)) ? "windows" : "other";
  d.skipped = [...skipped, ...notes.flatMap((n) => n.list())];
  return d;
}

function readSummary(d: DeviceFacts, path: string, bytes: Buffer, limits: ReadLimits, skip: SkipLog): void {
  d.summaryForm = summaryForm(bytes);
  if (d.summaryForm === "html") d.collection = parseSummaryHtml(decodeText(bytes).text, limits.rows).map((r) => ({ path, ...r }));
  else if (d.summaryForm === "biff") skip.add("a BIFF (OLE) workbook: recognised, its cells are not read by this version");
  else skip.add("neither a BIFF workbook nor an HTML table: not read");
}

export type { Skipped };
