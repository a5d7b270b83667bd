/**
 * `CollectionSummaryReport.xls`: nobody documents its form (mde-api.md §5a), so it is sniffed.
 * An OLE compound file (BIFF workbook, magic D0 CF 11 E0 A1 B1 1A E1) is recognised and reported
 * as not parsed; an HTML table saved as .xls is read row by row (data point, status, error code).
 * Anything else is noted as unknown. Cells are text; markup inside them is stripped, never kept.
 */
import { decodeText } from "./decode";

export interface CollectionRow { line: number; dataPoint: string; status: string; errorCode: string }
export type SummaryForm = "html" | "biff" | "unknown";

const OLE_MAGIC = Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]);

export function summaryForm(bytes: Buffer): SummaryForm {
  if (bytes.subarray(0, 8).equals(OLE_MAGIC)) return "biff";
  const head = decodeText(bytes.subarray(0, 4096)).text.trimStart().toLowerCase();
  return head.startsWith("<") && /<(html|table)/.test(head) ? "html" : "unknown";
}

const ENTITIES: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'", nbsp: " " };
const cellText = (html: string) =>
  html.replace(/<[^>]*>/g, "").replace(/&(#\d+|#x[0-9a-f]+|[a-z]+);/gi, (all, e: string) =>
    e[0] === "#" ? String.fromCodePoint(parseInt(e.slice(e[1] === "x" || e[1] === "X" ? 2 : 1), e[1] === "x" || e[1] === "X" ? 16 : 10) || 0xfffd) : ENTITIES[e.toLowerCase()] ?? all,
  ).trim();

/** Rows of the HTML form; the columns are found from the header row's names ("Data point", "Status", "Error code"). */
export function parseSummaryHtml(text: string, maxRows: number): CollectionRow[] {
  const rows: Array<{ line: number; cells: string[] }> = [];
  const re = /<tr[\s>]([\s\S]*?)<\/tr>/gi;
  for (let m = re.exec(text); m && rows.length < maxRows + 1; m = re.exec(text)) {
    const cells = [...m[1].matchAll(/<t[dh][^>]*>([\s\S]*?)<\/t[dh]>/gi)].map((c) => cellText(c[1]));
    rows.push({ line: text.slice(0, m.index).split("\n").length, cells });
  }
  const [header, ...body] = rows;
  if (!header) return [];
  const col = (re: RegExp, fallback: number) => {
    const i = header.cells.findIndex((h) => re.test(h));
    return i >= 0 ? i : fallback;
  };
  const [dp, st, ec] = [col(/data ?point|name|folder/i, 0), col(/status|result/i, 3), col(/error/i, 4)];
  return body.map((r) => ({ line: r.line, dataPoint: r.cells[dp] ?? "", status: r.cells[st] ?? "", errorCode: r.cells[ec] ?? "" }));
}
