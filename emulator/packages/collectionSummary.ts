/**
 * CollectionSummaryReport.xls: one row per data point (top folder) with its file count, a few
 * file names, status and error code. Microsoft does not document its form, and two are plausible,
 * so the scenario picks (`evidence.summaryReport`): `html`, an HTML table saved with an .xls name
 * (Excel opens it after a format warning), or `biff8`, a real Excel 97-2003 workbook (BIFF8 in an
 * OLE compound file, biffWorkbook.ts). Both carry the same header and rows.
 */
import type { EvidenceSettings } from "../scenario/plantSchema";
import { biffWorkbook, type Cell } from "./biffWorkbook";

export const SUMMARY_FILE = "CollectionSummaryReport.xls";
export const SUMMARY_HEADER = ["Data point", "Files", "Examples", "Status", "Error code"];
/** The sheet's name in the BIFF8 form. */
export const SUMMARY_SHEET = "CollectionSummaryReport";

/** Rows under SUMMARY_HEADER for the package's file paths, in their order. */
export function summaryRows(paths: string[]): Cell[][] {
  const byFolder = new Map<string, string[]>();
  for (const p of paths) {
    const [folder, ...rest] = p.split("/");
    byFolder.set(folder, [...(byFolder.get(folder) ?? []), rest.join("/")]);
  }
  return [...byFolder].map(([folder, files]) => [folder, files.length, `${files.slice(0, 3).join("; ")}${files.length > 3 ? "; …" : ""}`, "Completed", 0]);
}

const esc = (s: Cell) => String(s).replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

function html(rows: Cell[][]): string {
  const tr = (cells: Cell[], tag: "td" | "th") => `<tr>${cells.map((c) => `<${tag}>${esc(c)}</${tag}>`).join("")}</tr>`;
  return (
    `<html xmlns:o="urn:schemas-microsoft-com:office:office" xmlns:x="urn:schemas-microsoft-com:office:excel">\r\n` +
    `<head><meta http-equiv="Content-Type" content="text/html; charset=utf-8"></head>\r\n<body><table border="1">\r\n` +
    `${tr(SUMMARY_HEADER, "th")}\r\n${rows.map((r) => tr(r, "td")).join("\r\n")}\r\n</table></body></html>\r\n`
  );
}

/** The summary entry of a package whose other files are at `entries`' paths. */
export function collectionSummary(entries: Array<{ path: string }>, form: EvidenceSettings["summaryReport"]): { path: string; bytes: Buffer; compress: boolean } {
  const rows = summaryRows(entries.map((e) => e.path));
  const bytes = form === "biff8" ? biffWorkbook(SUMMARY_SHEET, [SUMMARY_HEADER, ...rows]) : Buffer.from(html(rows), "utf8");
  return { path: SUMMARY_FILE, bytes, compress: true };
}
