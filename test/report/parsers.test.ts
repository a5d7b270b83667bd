/**
 * The package parsers on the forms real files take: every encoding Windows tools write (with and
 * without BOM), header spellings, CRLF and quoted line breaks, command output as printed, the
 * summary report as HTML or BIFF, and their limits (rows, field width) noted rather than hidden.
 */
import { PROCESS_COLUMNS, TASK_COLUMNS } from "../../provider/report/parse/columns";
import { parseLocalGroup, parseNetstat, parseRegQuery } from "../../provider/report/parse/commandOutput";
import { parseCsv, pickColumns } from "../../provider/report/parse/csv";
import { decodeText, splitLines } from "../../provider/report/parse/decode";
import { parseMpCmdRunLog } from "../../provider/report/parse/defenderLog";
import { DEFAULT_LIMITS, SkipLog } from "../../provider/report/parse/limits";
import { parseSummaryHtml, summaryForm } from "../../provider/report/parse/summaryReport";

const TEXT = 'Name,PID\r\n"Zoë.exe",42\r\n';

describe("decoding", () => {
  it.each([
    ["UTF-16LE with BOM", Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(TEXT, "utf16le")]), "utf-16le"],
    ["UTF-16BE with BOM", Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from(TEXT, "utf16le").swap16()]), "utf-16be"],
    ["UTF-8 with BOM", Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(TEXT, "utf8")]), "utf-8"],
    ["UTF-16LE without BOM", Buffer.from(TEXT, "utf16le"), "utf-16le"],
    ["UTF-8 without BOM", Buffer.from(TEXT, "utf8"), "utf-8"],
    ["latin-1 (ANSI)", Buffer.from(TEXT, "latin1"), "latin1"],
  ])("%s decodes to the same text without a BOM character", (_name, bytes, encoding) => {
    const d = decodeText(bytes);
    expect(d.encoding).toBe(encoding);
    expect(d.text).toBe(TEXT);
  });

  it("splits CRLF, LF and CR lines and drops the final empty one", () => {
    expect(splitLines("a\r\nb\nc\rd\r\n")).toEqual(["a", "b", "c", "d"]);
  });
});

describe("CSV", () => {
  it("finds columns by any spelling, reads quoted commas, quotes and line breaks, and numbers rows by their first line", () => {
    const skip = new SkipLog("Scheduled tasks/x.csv");
    const t = parseCsv('"HostName","TaskName","TaskToRun"\r\n"H","\\A","cmd /c ""x, y"""\r\n"H","\\B","two\r\nlines"\r\n"H","\\C","c"\r\n', DEFAULT_LIMITS, skip);
    const rows = pickColumns(t, TASK_COLUMNS, skip);
    expect(rows.map((r) => [r.line, r.name, r.run])).toEqual([[2, "\\A", 'cmd /c "x, y"'], [3, "\\B", "two\r\nlines"], [5, "\\C", "c"]]);
    expect(skip.list().map((s) => s.reason)).toEqual(expect.arrayContaining([expect.stringMatching(/no column for runAs/)]));
  });

  it("reads the Win32_Process headers and the tasklist-style ones alike", () => {
    const skip = new SkipLog("p.csv");
    const a = pickColumns(parseCsv("Name,ProcessId,ParentProcessId,ExecutablePath,CommandLine\nx.exe,8,4,C:\\x.exe,x\n", DEFAULT_LIMITS, skip), PROCESS_COLUMNS, skip);
    const b = pickColumns(parseCsv("Image Name,PID,PPID,Path,Command Line\nx.exe,8,4,C:\\x.exe,x\n", DEFAULT_LIMITS, skip), PROCESS_COLUMNS, skip);
    expect(b).toEqual(a);
    expect(skip.list()).toEqual([]);
  });

  it("stops at the row limit and cuts wide fields, saying so", () => {
    const skip = new SkipLog("wide.csv");
    const t = parseCsv(`a,b\n${"x".repeat(100)},1\n1,2\n3,4\n5,6\n`, { rows: 2, fieldChars: 10 }, skip);
    expect(t.rows.map((r) => r.cells)).toEqual([["x".repeat(10), "1"], ["1", "2"]]);
    expect(skip.list().map((s) => s.reason)).toEqual([expect.stringMatching(/field longer than 10/), expect.stringMatching(/stopped after 2 rows/)]);
  });
});

describe("command output", () => {
  it("netstat -ano: TCP with state, UDP without, PIDs", () => {
    const rows = parseNetstat(["", "Active Connections", "", "  Proto  Local Address          Foreign Address        State           PID", "  TCP    0.0.0.0:4444           0.0.0.0:0              LISTENING       1234", "  UDP    0.0.0.0:5353           *:*                                    980"]);
    expect(rows).toEqual([
      { line: 5, proto: "TCP", local: "0.0.0.0:4444", localPort: 4444, foreign: "0.0.0.0:0", state: "LISTENING", pid: 1234 },
      { line: 6, proto: "UDP", local: "0.0.0.0:5353", localPort: 5353, foreign: "*:*", state: "", pid: 980 },
    ]);
  });

  it("net localgroup: the members between the rule and the completion line", () => {
    const rows = parseLocalGroup(["Alias name     Administrators", "Comment        x", "", "Members", "", "-".repeat(79), "Administrator", "HOST\\svc_backup", "The command completed successfully.", ""]);
    expect(rows).toEqual([{ line: 7, member: "Administrator" }, { line: 8, member: "HOST\\svc_backup" }]);
  });

  it("reg query: values under their key, empty values too", () => {
    const rows = parseRegQuery(["", "HKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Run", "    Updater    REG_SZ    \"C:\\Users\\a\\AppData\\Roaming\\u.exe\"", "    Empty    REG_SZ    ", ""]);
    expect(rows.map((r) => [r.line, r.name, r.type, r.value])).toEqual([[3, "Updater", "REG_SZ", '"C:\\Users\\a\\AppData\\Roaming\\u.exe"'], [4, "Empty", "REG_SZ", ""]]);
  });

  it("MpCmdRunLog: each threat with its resource and the scan's start time", () => {
    const rows = parseMpCmdRunLog(["-".repeat(40), "MpCmdRun: Command Line: x", " Start Time: 3/12/2025 5:15:00 AM", "Threat                  : Trojan:Win64/Sliver.A!MTB", "Resources               : 1 total", "    file                : C:\\Users\\a\\Downloads\\x.exe"]);
    expect(rows).toEqual([{ line: 4, threat: "Trojan:Win64/Sliver.A!MTB", resource: "file: C:\\Users\\a\\Downloads\\x.exe", startTime: "3/12/2025 5:15:00 AM" }]);
  });
});

describe("CollectionSummaryReport.xls", () => {
  it("tells BIFF (OLE) from HTML from anything else", () => {
    expect(summaryForm(Buffer.from("d0cf11e0a1b11ae1000000", "hex"))).toBe("biff");
    expect(summaryForm(Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from("<html><table>", "utf16le")]))).toBe("html");
    expect(summaryForm(Buffer.from("PK\x03\x04"))).toBe("unknown");
  });

  it("reads the HTML table by its header names, cells as text with entities decoded", () => {
    const rows = parseSummaryHtml('<table>\r\n<tr><th>Data point</th><th>Status</th><th>Error code</th></tr>\r\n<tr><td>Processes</td><td>Completed</td><td>0</td></tr>\r\n<tr><td>Prefetch &amp; <b>files</b></td><td>Failed</td><td>0x80070005</td></tr>\r\n</table>', 100);
    expect(rows).toEqual([{ line: 3, dataPoint: "Processes", status: "Completed", errorCode: "0" }, { line: 4, dataPoint: "Prefetch & files", status: "Failed", errorCode: "0x80070005" }]);
  });
});
