/**
 * CSV as Windows tools write it (Export-Csv, schtasks /fo csv): comma separated, fields in double
 * quotes with "" for a quote, quoted fields may span lines, CRLF. Columns are found by name
 * through aliases (columns.ts), never by position. Bounded: at most `limits.rows` rows, fields
 * cut at `limits.fieldChars`; what was cut or left out is noted in the SkipLog.
 */
import type { ReadLimits, SkipLog } from "./limits";

export interface CsvRow {
  /** 1-based line of the file where the row starts (header is line 1). */
  line: number;
  cells: string[];
}

export interface CsvTable {
  header: string[];
  rows: CsvRow[];
}

export function parseCsv(text: string, limits: Pick<ReadLimits, "rows" | "fieldChars">, skip: SkipLog): CsvTable {
  const records: CsvRow[] = [];
  let cells: string[] = [];
  let field = "";
  let cut = false;
  let quoted = false;
  let line = 1;
  let rowStart = 1;
  const push = (ch: string) => {
    if (field.length < limits.fieldChars) field += ch;
    else cut = true;
  };
  const endField = () => {
    if (cut) skip.add(`field longer than ${limits.fieldChars} characters, cut`, rowStart);
    cells.push(field);
    field = "";
    cut = false;
  };
  const endRow = () => {
    endField();
    if (!(cells.length === 1 && cells[0] === "")) records.push({ line: rowStart, cells });
    cells = [];
  };
  for (let i = 0; i < text.length; i++) {
    if (records.length > limits.rows + 1) break; // the header plus `rows` rows
    const ch = text[i];
    if (quoted) {
      if (ch === '"') {
        if (text[i + 1] === '"') {
          push('"');
          i++;
        } else quoted = false;
      } else {
        if (ch === "\n") line++;
        push(ch);
      }
    } else if (ch === '"') quoted = true;
    else if (ch === ",") endField();
    else if (ch === "\r" || ch === "\n") {
      if (ch === "\r" && text[i + 1] === "\n") i++;
      endRow();
      line++;
      rowStart = line;
    } else push(ch);
  }
  if (records.length > limits.rows + 1) {
    skip.add(`stopped after ${limits.rows} rows (row limit)`, records[limits.rows + 1].line);
    records.length = limits.rows + 1;
  } else if (field !== "" || cells.length > 0) endRow();
  if (quoted) skip.add("the file ends inside a quoted field (cut short?)", rowStart);
  const [head, ...rows] = records;
  return { header: head?.cells.map((h) => h.trim()) ?? [], rows };
}

/** Header spelling does not matter: "Task To Run", "TaskToRun" and "task_to_run" are one name. */
export const normaliseHeader = (h: string) => h.toLowerCase().replace(/[^a-z0-9]/g, "");

/**
 * Picks columns by alias: `{ pid: ["ProcessId", "PID"] }` → for each row, `{ pid: "1234" }`.
 * A wanted column the header lacks is noted once; rows get "" for it.
 */
export function pickColumns<K extends string>(table: CsvTable, aliases: Record<K, readonly string[]>, skip: SkipLog): Array<Record<K, string> & { line: number }> {
  const index = new Map(table.header.map((h, i) => [normaliseHeader(h), i]));
  const at = {} as Record<K, number>;
  for (const key of Object.keys(aliases) as K[]) {
    const hit = aliases[key].map(normaliseHeader).find((a) => index.has(a));
    at[key] = hit === undefined ? -1 : index.get(hit)!;
    if (hit === undefined) skip.add(`no column for ${key} (looked for ${aliases[key].join(" / ")})`, 1);
  }
  return table.rows.map((r) => {
    const out = { line: r.line } as Record<K, string> & { line: number };
    for (const key of Object.keys(at) as K[]) (out as Record<K, string>)[key] = at[key] >= 0 ? (r.cells[at[key]] ?? "").trim() : "";
    return out;
  });
}
