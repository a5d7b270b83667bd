/**
 * A one-sheet Excel 97-2003 workbook (BIFF8, [MS-XLS]) in its OLE container (compoundFile.ts):
 * the Workbook stream holds the globals (BOF, CODEPAGE 1200, WINDOW1, one FONT, the 15 style XFs
 * and one cell XF Excel requires, STYLE "Normal", BOUNDSHEET8, EOF), then the sheet (BOF,
 * DIMENSIONS, WINDOW2, one LABEL per text cell and one NUMBER per number cell, EOF). Strings are
 * written as UTF-16 (LABEL, not a shared-string table), so no record needs a CONTINUE.
 */
import { compoundFile } from "./compoundFile";

export type Cell = string | number;

/** Record ids ([MS-XLS] 2.3). */
const BOF = 0x0809, EOF = 0x000a, CODEPAGE = 0x0042, WINDOW1 = 0x003d, FONT = 0x0031, XF = 0x00e0, STYLE = 0x0293;
const BOUNDSHEET = 0x0085, DIMENSIONS = 0x0200, WINDOW2 = 0x023e, LABEL = 0x0204, NUMBER = 0x0203;
/** The longest string a LABEL record may carry. */
const MAX_LABEL = 255;
/** The longest sheet name Excel accepts. */
const MAX_SHEET_NAME = 31;

function record(id: number, body: Buffer): Buffer {
  const head = Buffer.alloc(4);
  head.writeUInt16LE(id, 0);
  head.writeUInt16LE(body.length, 2);
  return Buffer.concat([head, body]);
}

const u16 = (...v: number[]) => Buffer.from(Uint16Array.from(v).buffer);

/** BIFF8 BOF: version 0x0600, the substream type, the build and year Excel 97 writes. */
function bof(type: "globals" | "worksheet"): Buffer {
  const b = Buffer.alloc(16);
  b.writeUInt16LE(0x0600, 0);
  b.writeUInt16LE(type === "globals" ? 0x0005 : 0x0010, 2);
  b.writeUInt16LE(0x0dbb, 4);
  b.writeUInt16LE(0x07cc, 6);
  b.writeUInt32LE(0x00000006, 12); // lowest BIFF version that can read it: BIFF8
  return record(BOF, b);
}

/** An XLUnicodeString (16-bit length) or ShortXLUnicodeString (8-bit), always UTF-16 (fHighByte). */
function unicode(s: string, lengthBytes: 1 | 2): Buffer {
  const len = Buffer.alloc(lengthBytes + 1);
  if (lengthBytes === 1) len.writeUInt8(s.length, 0);
  else len.writeUInt16LE(s.length, 0);
  len.writeUInt8(0x01, lengthBytes);
  return Buffer.concat([len, Buffer.from(s, "utf16le")]);
}

function xf(style: boolean): Buffer {
  // font 0, format 0 (General); style XFs have no parent (0xFFF) and mark their attributes unused.
  const b = u16(0, 0, style ? 0xfff5 : 0x0001, 0x0020, style ? 0xf400 : 0x0000, 0, 0, 0, 0, 0x20c0);
  return record(XF, b);
}

function globals(sheetName: string, sheetOffset: number): Buffer {
  const font = Buffer.concat([u16(200, 0, 0x7fff, 400, 0), Buffer.from([0, 0, 0, 0]), unicode("Arial", 1)]);
  const boundSheet = Buffer.alloc(6);
  boundSheet.writeUInt32LE(sheetOffset, 0); // stream offset of the sheet's BOF; visible worksheet
  return Buffer.concat([
    bof("globals"),
    record(CODEPAGE, u16(1200)),
    record(WINDOW1, u16(0, 0, 0x4000, 0x2000, 0x0038, 0, 0, 1, 0x0258)),
    record(FONT, font),
    ...Array.from({ length: 15 }, () => xf(true)),
    xf(false),
    record(STYLE, Buffer.from([0x00, 0x80, 0x00, 0xff])), // built-in "Normal" on XF 0
    record(BOUNDSHEET, Buffer.concat([boundSheet, unicode(sheetName, 1)])),
    record(EOF, Buffer.alloc(0)),
  ]);
}

function cell(row: number, col: number, value: Cell): Buffer {
  const at = u16(row, col, 15); // XF 15: the cell XF
  if (typeof value === "number") {
    const n = Buffer.alloc(8);
    n.writeDoubleLE(value, 0);
    return record(NUMBER, Buffer.concat([at, n]));
  }
  const text = value.length > MAX_LABEL ? `${value.slice(0, MAX_LABEL - 1)}…` : value;
  return record(LABEL, Buffer.concat([at, unicode(text, 2)]));
}

function sheet(rows: Cell[][]): Buffer {
  const cols = Math.max(0, ...rows.map((r) => r.length));
  const dims = Buffer.alloc(14);
  dims.writeUInt32LE(rows.length, 4); // first row 0, one past the last row
  dims.writeUInt16LE(cols, 10); // first column 0, one past the last column
  return Buffer.concat([
    bof("worksheet"),
    record(DIMENSIONS, dims),
    record(WINDOW2, Buffer.concat([u16(0x06b6, 0, 0, 0x0040, 0, 0), Buffer.alloc(6)])),
    ...rows.flatMap((r, i) => r.map((v, j) => cell(i, j, v))),
    record(EOF, Buffer.alloc(0)),
  ]);
}

/** The .xls file of one sheet named `sheetName` (at most 31 characters) holding `rows`. */
export function biffWorkbook(sheetName: string, rows: Cell[][]): Buffer {
  if (sheetName.length > MAX_SHEET_NAME || rows.length > 65_536) throw new RangeError("a BIFF8 sheet takes a name of at most 31 characters and 65,536 rows");
  const size = globals(sheetName, 0).length; // the offset does not change the globals' length
  return compoundFile("Workbook", Buffer.concat([globals(sheetName, size), sheet(rows)]));
}
